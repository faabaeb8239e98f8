package cli

import (
	"strings"
	"testing"
)

func TestFdocSections(t *testing.T) {
	tests := []struct {
		name, src     string
		program       string // "" when there is no @felix section
		expect        string
		hasExpect     bool
		closedSection bool
	}{{
		name:          "sections ended by @, after prose",
		src:           "@title T\nprose\n@felix\nprintln 1;\n@\nmore prose\n@expect\n1\n@\nlast words\n",
		program:       "\n\n\nprintln 1;\n\n\n\n\n\n\n",
		expect:        "1\n",
		hasExpect:     true,
		closedSection: true,
	}, {
		name:      "sections ended by the next tag and by the end of the file",
		src:       "@felix\nprintln 1;\n@expect\n1\n\n@h1 Next\ntext\n",
		program:   "\nprintln 1;\n\n\n\n\n\n",
		expect:    "1\n",
		hasExpect: true,
	}, {
		name:      "trailing blank lines at the end of the file are spacing",
		src:       "@felix\nprint 1;\n@expect\n1\n\n\n",
		program:   "\nprint 1;\n\n\n\n\n",
		expect:    "1\n",
		hasExpect: true,
	}, {
		name:          "blank lines before an explicit @ are output",
		src:           "@felix\nx;\n@expect\n1\n\n@\n",
		program:       "\nx;\n\n\n\n\n",
		expect:        "1\n\n",
		hasExpect:     true,
		closedSection: true,
	}, {
		name:      "a last line without its newline",
		src:       "@felix\nx;\n@expect\nno newline",
		program:   "\nx;\n\n\n",
		expect:    "no newline\n",
		hasExpect: true,
	}, {
		name:      "several @felix sections make one program",
		src:       "@felix\na;\n@p\nwords\n@felix extra words\r\nb;\n@expect\n",
		program:   "\na;\n\n\n\nb;\n\n",
		expect:    "",
		hasExpect: true,
	}, {
		name:      "lines that are not tags stay output",
		src:       "@felix\nx;\n@expect\n@ 3\n@@\n @h1\n",
		program:   "\nx;\n\n\n\n\n",
		expect:    "@ 3\n@@\n @h1\n",
		hasExpect: true,
	}, {
		name:    "no @expect section",
		src:     "@felix\nx;\n",
		program: "\nx;\n",
	}, {
		name: "only prose",
		src:  "@title T\nwords\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseFdoc([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if string(d.program) != tt.program || (d.program == nil) != (tt.program == "") {
				t.Errorf("program %q, want %q", d.program, tt.program)
			}
			if d.expect != tt.expect || d.hasExpect != tt.hasExpect || d.closed != tt.closedSection {
				t.Errorf("expect %q (present %v, closed %v), want %q (present %v, closed %v)",
					d.expect, d.hasExpect, d.closed, tt.expect, tt.hasExpect, tt.closedSection)
			}
			if n, want := strings.Count(string(d.program), "\n"), len(d.lines); d.program != nil && n != want {
				t.Errorf("the program has %d lines, the file %d", n, want)
			}
		})
	}
}

func TestFdocWithTwoExpectSectionsIsAnError(t *testing.T) {
	if _, err := parseFdoc([]byte("@felix\nx;\n@expect\n1\n@expect\n2\n")); err == nil {
		t.Error("no error")
	}
}

// Rewriting the @expect section gives a file that reads back with the new output, and
// leaves the rest of the file as it was.
func TestFdocWithExpect(t *testing.T) {
	tests := []struct{ name, src, out, want string }{{
		name: "closed section",
		src:  "@felix\nx;\n@expect\nold\n@\nafter\n",
		out:  "new\nlines\n",
		want: "@felix\nx;\n@expect\nnew\nlines\n@\nafter\n",
	}, {
		name: "section ended by a tag gets an @ before the blank lines and the tag",
		src:  "@felix\nx;\n@expect\nold\n\n@h1 Next\n",
		out:  "new\n\n",
		want: "@felix\nx;\n@expect\nnew\n\n@\n\n@h1 Next\n",
	}, {
		name: "no section: one is added at the end",
		src:  "@felix\nx;",
		out:  "new\n",
		want: "@felix\nx;\n@expect\nnew\n@\n",
	}, {
		name: "empty output",
		src:  "@felix\nx;\n@expect\nold\n",
		out:  "",
		want: "@felix\nx;\n@expect\n@\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseFdoc([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			got := d.withExpect(tt.out)
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			back, err := parseFdoc(got)
			if err != nil {
				t.Fatal(err)
			}
			if back.expect != tt.out {
				t.Errorf("reads back as %q, want %q", back.expect, tt.out)
			}
		})
	}
}
