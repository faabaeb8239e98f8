package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/felixlet/felixlet/internal/golden/goldenfile"
)

// The pictures are tested as a user sees them: the timeline opened in a real browser
// (headless Chromium), the DOT text drawn by Graphviz's dot. Where those programs are not
// installed the tests skip, unless FELIXLET_REQUIRE_BROWSER (for Chromium) or
// FELIXLET_REQUIRE_DOT (for dot) is set, as .ci/run sets them: there a missing program
// fails the test.

var update = flag.Bool("update", false, "rewrite the golden pictures (testdata/graph/*.dot, testdata/timeline/*.json)")

// tool finds a program a test needs, or skips the test (fails it when required says so).
func tool(t *testing.T, name, debian, required string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(required) != "" {
		t.Fatalf("%s is not installed (apt-get install %s), and %s asks for the tests that need it", name, debian, required)
	}
	t.Skipf("%s is not installed (apt-get install %s); set %s to make this a failure", name, debian, required)
	return ""
}

// chromium runs headless Chromium with args in a profile, home and working directory of
// its own under the test's temporary directory, and returns what it wrote.
func chromium(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	bin := tool(t, "chromium", "chromium", "FELIXLET_REQUIRE_BROWSER")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir=" + filepath.Join(dir, "profile")}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_CACHE_HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // its helpers too, before the directory goes
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errs.String())
	}
	return out.String(), errs.String()
}

// runFelixlet runs the command in this process and returns its exit status and output.
func runFelixlet(args ...string) (status int, stdout, stderr string) {
	var out, errs bytes.Buffer
	status = run(args, strings.NewReader(""), &out, &errs)
	return status, out.String(), errs.String()
}

// A timeline is the picture of a run: opened in Chromium, its page shows one row per
// fibre, named after the fibre and its procedure, its script runs without an error, the
// pointer over a wait shows what the fibre waits for and where in the program, and in a
// screenshot of it each row is there where the page lays it out, with its name and the
// bars of its runs.
func TestTimelineOpensInABrowserWithARowPerFibre(t *testing.T) {
	for _, tc := range []struct {
		program string
		args    []string
		rows    []string // the rows' labels, in order
	}{
		{"hello.flx", nil, []string{"fibre 1 · mainline", "fibre 2 · ponger"}},
		{"workerpool.flx", nil, []string{"fibre 1 · mainline", "fibre 2 · printer", "fibre 3 · worker", "fibre 4 · worker",
			"fibre 5 · worker", "fibre 6 · <lambda 39:15>"}},
		{"primes.flx", []string{"4"}, []string{"fibre 1 · mainline", "fibre 2 · generate", "fibre 3 · filter",
			"fibre 4 · filter", "fibre 5 · filter", "fibre 6 · filter"}},
	} {
		t.Run(tc.program, func(t *testing.T) {
			page := filepath.Join(t.TempDir(), "timeline.html")
			args := append([]string{"run", "--timeline", page, filepath.Join("../../examples", tc.program)}, tc.args...)
			if status, _, errs := runFelixlet(args...); status != exitOK {
				t.Fatalf("felixlet %v: status %d\n%s", args, status, errs)
			}
			probe := addRowProbe(t, page)
			dom, _ := chromium(t, "--dump-dom", "--window-size=1600,720", "file://"+probe)
			if !strings.Contains(dom, `data-timeline="ready"`) {
				t.Fatalf("the page's script did not finish: no data-timeline=\"ready\" in the DOM:\n%.2000s", dom)
			}
			if want := fmt.Sprintf(`data-rows="%d"`, len(tc.rows)); !strings.Contains(dom, want) {
				t.Errorf("the script counted other rows than the %d fibres: no %s in the DOM", len(tc.rows), want)
			}
			rows := regexp.MustCompile(`<g class="row" id="fibre-(\d+)" data-fibre="(\d+)"[^>]*>(?s:.*?)<text class="name"[^>]*><tspan class="id">([^<]*)</tspan> · ([^<]*)</text>`).FindAllStringSubmatch(dom, -1)
			var got []string
			for _, r := range rows {
				got = append(got, r[3]+" · "+strings.ReplaceAll(strings.ReplaceAll(r[4], "&lt;", "<"), "&gt;", ">"))
			}
			if strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.rows, "\n"))
			}
			// Hovering shows what the fibre waits for, and where in the program.
			tip := regexp.MustCompile(`<div id="tip"([^>]*)>([^<]*)</div>`).FindStringSubmatch(dom)
			if tip == nil || strings.Contains(tip[1], "hidden") {
				t.Errorf("the pointer over fibre 2's wait shows no tip: %q", tip)
			} else if want := `^fibre 2 waits to (read|write) ch \d+ \(steps? \d+( to \d+)?\)\nat \S+/` + regexp.QuoteMeta(tc.program) + `:\d+:\d+ in \S+$`; !regexp.MustCompile(want).MatchString(tip[2]) {
				t.Errorf("the pointer over fibre 2's wait shows %q, want a match for %s", tip[2], want)
			}
			boxes := rowBoxes(t, dom)
			if len(boxes) != len(tc.rows) {
				t.Fatalf("the probe found %d rows on the page, want %d", len(boxes), len(tc.rows))
			}
			shot := filepath.Join(t.TempDir(), "timeline.png")
			_, log := chromium(t, "--enable-logging=stderr", "--v=0", "--window-size=1600,720", "--screenshot="+shot, "file://"+page)
			for line := range strings.Lines(log) {
				if strings.Contains(line, ":CONSOLE") {
					t.Errorf("the page logged to the console (an error in its script?): %s", line)
				}
			}
			checkScreenshot(t, shot, 1600, 720, boxes)
		})
	}
}

// rowProbe is a script a test adds to a copy of a timeline page, after the page's own: it
// writes on each row where it is in the window (left, top, right, bottom), for the check
// of a screenshot of the page in a window of the same size; then it moves the pointer
// over fibre 2's first wait, at the first point where nothing else (an arrow) is on top
// of it, as a user's mouse would, for the check of what the page shows there.
const rowProbe = `<script>
document.querySelectorAll("g.row").forEach(function (g) {
  var b = g.querySelector("rect").getBoundingClientRect();
  g.setAttribute("data-box", [b.left, b.top, b.right, b.bottom].map(Math.round).join(","));
});
var wait = document.querySelector("#fibre-2 .waitspan");
if (wait) {
  var b = wait.querySelector(".hit").getBoundingClientRect(), y = (b.top + b.bottom) / 2;
  for (var x = b.left + 1; x < b.right; x += 2) {
    var at = document.elementFromPoint(x, y);
    if (wait.contains(at)) {
      at.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: x, clientY: y}));
      break;
    }
  }
}
</script>
`

// addRowProbe writes a copy of the page with rowProbe, beside it, and returns its name.
func addRowProbe(t *testing.T, page string) string {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html, found := strings.CutSuffix(string(b), "</body>\n</html>\n")
	if !found {
		t.Fatalf("the page does not end in </body></html>:\n%.200s", b[max(len(b)-200, 0):])
	}
	probe := strings.TrimSuffix(page, ".html") + "-probe.html"
	if err := os.WriteFile(probe, []byte(html+rowProbe+"</body>\n</html>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return probe
}

// rowBoxes reads the rows' places that rowProbe wrote, in the rows' order.
func rowBoxes(t *testing.T, dom string) []image.Rectangle {
	t.Helper()
	var boxes []image.Rectangle
	for _, m := range regexp.MustCompile(`<g class="row" [^>]*data-box="(-?\d+),(-?\d+),(-?\d+),(-?\d+)"`).FindAllStringSubmatch(dom, -1) {
		var n [4]int
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+1])
		}
		boxes = append(boxes, image.Rect(n[0], n[1], n[2], n[3]))
	}
	return boxes
}

// checkScreenshot requires a PNG of the window's size that shows the timeline: many
// colours and, in each row's box, the dark pixels of its name at the left and the blue
// of the bars of its runs.
func checkScreenshot(t *testing.T, file string, width, height int, rows []image.Rectangle) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is no PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("the screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	bar := color.RGBA{0x25, 0x63, 0xeb, 0xff} // .run in the page's style
	b := img.Bounds()
	colours := map[color.RGBA]bool{}
	blue := countPixels(img, b, func(c color.RGBA) bool { colours[c] = true; return c == bar })
	if len(colours) < 50 || blue < 200 {
		t.Errorf("the screenshot shows %d colours and %d pixels of the bars' blue: no timeline drawn?", len(colours), blue)
	}
	for i, box := range rows {
		if !box.In(b) {
			t.Errorf("row %d is at %v, outside the %v window", i+1, box, b)
			continue
		}
		name := image.Rect(box.Min.X, box.Min.Y, box.Min.X+200, box.Max.Y)
		dark := countPixels(img, name, func(c color.RGBA) bool { return max(c.R, c.G, c.B) < 0x70 })
		bars := countPixels(img, box, func(c color.RGBA) bool { return c == bar })
		if dark < 40 || bars < 60 {
			t.Errorf("row %d (at %v) shows %d dark pixels of a name and %d of the bars' blue: not drawn there?", i+1, box, dark, bars)
		}
	}
}

// countPixels counts the pixels of img in r for which is says yes.
func countPixels(img image.Image, r image.Rectangle, is func(color.RGBA) bool) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if is(color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)) {
				n++
			}
		}
	}
	return n
}

// A long run's picture is cut after the events asked for, and says so, with the flag
// that draws more.
func TestTimelineOfALongRunIsCutWithANote(t *testing.T) {
	page := filepath.Join(t.TempDir(), "timeline.html")
	if status, _, errs := runFelixlet("run", "--timeline", page, "--timeline-events", "50", "../../examples/primes.flx"); status != exitOK {
		t.Fatalf("status %d\n%s", status, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if !regexp.MustCompile(`<p class="cut">This picture shows only the first 50 of \d+ scheduling events. To draw more, run the program with --timeline-events N.</p>`).MatchString(html) {
		t.Errorf("no note that the picture was cut:\n%.1500s", html)
	}
	for _, external := range []string{"http://", "https://", "<link", "src="} {
		if strings.Contains(strings.ReplaceAll(html, `xmlns="http://www.w3.org/2000/svg"`, ""), external) {
			t.Errorf("the page refers to something outside it (%q): it must stand alone", external)
		}
	}
}

// The Chrome trace of a small program is always the same (time is counted in steps),
// and every event has the fields its phase needs.
func TestTraceJSONOfSmallProgramsIsTheGoldenOne(t *testing.T) {
	eachProgram(t, "../../testdata/timeline", func(t *testing.T, file string) {
		out := filepath.Join(t.TempDir(), "trace.json")
		if status, _, errs := runFelixlet("run", "--trace-json", out, file); status != exitOK {
			t.Fatalf("status %d\n%s", status, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		checkTraceEvents(t, b)
		// The program's directory is the test's, and whether a fibre left waiting
		// was collected before the picture was written depends on the collector.
		got := strings.ReplaceAll(string(b), filepath.Dir(file)+"/", "")
		got = strings.ReplaceAll(got, "; collected by Go's collector after the run", "")
		got = strings.ReplaceAll(got, `"cat":"collected"`, `"cat":"left-waiting"`)
		goldenfile.Compare(t, strings.TrimSuffix(file, ".flx")+".json", got, *update)
	})
}

// eachProgram runs test on each program in dir, a subtest named after it.
func eachProgram(t *testing.T, dir string, test func(t *testing.T, file string)) {
	files, err := filepath.Glob(filepath.Join(dir, "*.flx"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs in %s: %v", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".flx"), func(t *testing.T) { test(t, file) })
	}
}

// checkTraceEvents requires a JSON object with a traceEvents array whose every event
// has a name, a phase, a process and a thread, and the fields of its phase.
func checkTraceEvents(t *testing.T, b []byte) {
	t.Helper()
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.TraceEvents) == 0 {
		t.Fatal("no traceEvents")
	}
	need := map[string][]string{"M": {"args"}, "X": {"ts", "dur"}, "i": {"ts", "s"}, "s": {"ts", "id"}, "f": {"ts", "id", "bp"}}
	phases := map[string]int{}
	for _, e := range doc.TraceEvents {
		ph, _ := e["ph"].(string)
		phases[ph]++
		fields, ok := need[ph]
		if !ok {
			t.Errorf("an event of unknown phase %q: %v", ph, e)
			continue
		}
		for _, f := range append([]string{"name", "pid", "tid"}, fields...) {
			if _, ok := e[f]; !ok {
				t.Errorf("a %q event without %q: %v", ph, f, e)
			}
		}
	}
	if phases["M"] == 0 || phases["X"] == 0 || phases["s"] != phases["f"] {
		t.Errorf("phases %v: want thread names (M), spans (X), and as many flow ends (f) as starts (s)", phases)
	}
}

// The DOT of each program in testdata/graph is the golden one, and Graphviz's dot draws
// it.
func TestGraphOfEachProgramIsTheGoldenDOT(t *testing.T) {
	eachProgram(t, "../../testdata/graph", func(t *testing.T, file string) {
		status, dot, errs := runFelixlet("graph", file)
		if status != exitOK {
			t.Fatalf("status %d\n%s", status, errs)
		}
		dot = strings.ReplaceAll(dot, filepath.Dir(file)+"/", "")
		goldenfile.Compare(t, strings.TrimSuffix(file, ".flx")+".dot", dot, *update)
		svg := drawDOT(t, dot)
		if !strings.Contains(svg, "<svg") {
			t.Errorf("dot drew no SVG:\n%.500s", svg)
		}
	})
}

// drawDOT runs Graphviz's dot on a DOT text, failing the test if it finds fault with it.
func drawDOT(t *testing.T, text string) string {
	t.Helper()
	bin := tool(t, "dot", "graphviz", "FELIXLET_REQUIRE_DOT")
	cmd := exec.Command(bin, "-Tsvg")
	cmd.Stdin = strings.NewReader(text)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil || errs.Len() > 0 {
		t.Fatalf("dot: %v\n%s", err, errs.String())
	}
	return out.String()
}

// felixlet graph --svg draws the graph with dot; the SVG names the devices.
func TestGraphSVGIsDrawnByDot(t *testing.T) {
	tool(t, "dot", "graphviz", "FELIXLET_REQUIRE_DOT")
	status, svg, errs := runFelixlet("graph", "--svg", "../../examples/wordfreq.flx")
	if status != exitOK {
		t.Fatalf("status %d\n%s", status, errs)
	}
	for _, want := range []string{"<svg", ">tokenizer<", ">long_enough 4<", ">counter &amp;tally<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
}

// Without dot, felixlet graph --svg says how to install it, and fails.
func TestGraphSVGWithoutDotSaysHowToInstallIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	status, out, errs := runFelixlet("graph", "--svg", "../../examples/wordfreq.flx")
	if status != exitRuntime || out != "" {
		t.Errorf("status %d, stdout %q; want 1 and nothing", status, out)
	}
	for _, want := range []string{"apt-get install graphviz", "brew install graphviz", "leave out --svg"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the message lacks %q:\n%s", want, errs)
		}
	}
}
