package sqlstore

import (
	"fmt"
	"strings"
	"testing"
)

// TestChunkedShapes checks that chunked covers every row exactly once, in
// order, while giving the statement only a few texts: power-of-two row
// counts, IN lists padded with a repeat of their first value.
func TestChunkedShapes(t *testing.T) {
	for _, dialect := range []Dialect{SQLite, Postgres} {
		db := &DB{dialect: dialect}
		for _, width := range []int{1, 3} {
			shapes := map[string]bool{}
			for total := 1; total <= 700; total++ {
				flat := make([]any, total*width)
				for i := range flat {
					flat[i] = i
				}
				var got []any
				err := db.chunked(flat, width, 300, 2, func(marks string, args []any) error {
					rows := strings.Count(marks, "?") + strings.Count(marks, "$")
					if rows != len(args) {
						return fmt.Errorf("%d placeholders for %d args", rows, len(args))
					}
					if n := len(args) / width; n&(n-1) != 0 || n > 256 {
						return fmt.Errorf("%d rows: not a power of two up to 256", n)
					}
					if dialect == Postgres && !strings.HasPrefix(marks, map[bool]string{true: "$3", false: "($3"}[width == 1]) {
						return fmt.Errorf("marks %.10q do not start after the statement's 2 parameters", marks)
					}
					shapes[marks] = true
					got = append(got, args...)
					return nil
				})
				if err != nil {
					t.Fatalf("%s width %d total %d: %v", dialect, width, total, err)
				}
				if width == 1 {
					// Padding repeats a value of the same group; drop repeats.
					seen := map[any]bool{}
					var uniq []any
					for _, v := range got {
						if !seen[v] {
							seen[v] = true
							uniq = append(uniq, v)
						}
					}
					got = uniq
				}
				if len(got) != len(flat) {
					t.Fatalf("%s width %d total %d: got %d values, want %d", dialect, width, total, len(got), len(flat))
				}
				for i := range got {
					if got[i] != flat[i] {
						t.Fatalf("%s width %d total %d: value %d is %v, want %v", dialect, width, total, i, got[i], flat[i])
					}
				}
			}
			// 1, 2, 4, ..., 256 rows: nine texts for 700 batch sizes.
			if len(shapes) != 9 {
				t.Errorf("%s width %d: %d statement texts, want 9", dialect, width, len(shapes))
			}
		}
	}
}
