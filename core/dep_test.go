package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/alopexdb/alopex"

// layering lists, for each package of the module (by path inside it), the
// other alopex packages it may import. It holds the line drawn in DESIGN.md:
// imports point downward only, capi → sqlexec, dataframe → lazy → core,
// vector; the function registry (lazy/fn) sits below the planner and the
// executor, over the kernels. A package without an entry follows the entry of its closest
// parent folder; give a new package its own entry when it needs one.
var layering = map[string][]string{
	"core":              {},
	"vector":            {"core"},
	"lazy":              {"core", "vector", "lazy/fn"},
	"lazy/fn":           {"core", "vector", "lazy/kernels"}, // the function registry: type rules and evaluators
	"lazy/kernels":      {"core", "vector"},
	"lazy/exec":         {"core", "vector", "lazy", "lazy/fn", "lazy/kernels"},
	"dataframe":         {"core", "vector", "lazy", "lazy/exec", "lazy/kernels", "dataframe/parquet", "dataframe/csv"}, // Arrow import, the scan opener, WriteTable
	"dataframe/parquet": {"core", "lazy", "lazy/kernels"},                                                              // the Parquet reader and writer
	"dataframe/csv":     {"core", "lazy", "lazy/kernels"},                                                              // the CSV reader and writer
	"storage":           {"core", "vector"},                                                                            // vector indexes are kept beside the data
	"sqlexec":           {"core", "vector", "lazy", "lazy/exec", "lazy/fn", "lazy/kernels", "dataframe", "storage"},
	"capi":              {"*"},
	"internal/testkit":  {"core"}, // helpers that only tests import
}

type listedPackage struct {
	ImportPath   string
	Name         string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	cmd := exec.Command(goTool, "list", "-e", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

// internalPath returns the path of an alopex package inside the module, and
// false for packages of other modules.
func internalPath(importPath string) (string, bool) {
	if importPath == module {
		return "", true
	}
	return strings.CutPrefix(importPath, module+"/")
}

// ruleFor returns the layering entry that governs pkg and the entry's key.
func ruleFor(pkg string) ([]string, string, bool) {
	for p := pkg; p != "." && p != ""; {
		if allowed, ok := layering[p]; ok {
			return allowed, p, true
		}
		i := strings.LastIndex(p, "/")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return nil, "", false
}

func TestLayering(t *testing.T) {
	for _, p := range listPackages(t) {
		pkg, ok := internalPath(p.ImportPath)
		if !ok {
			continue
		}
		allowed, key, ok := ruleFor(pkg)
		if !ok {
			t.Errorf("package %s has no entry in layering (core/dep_test.go); add one that keeps imports pointing downward", pkg)
			continue
		}
		for _, imp := range p.Imports {
			dep, ok := internalPath(imp)
			if !ok || dep == pkg {
				continue
			}
			if !slices.Contains(allowed, "*") && !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s; the layering entry %q allows only %v", pkg, dep, key, allowed)
			}
		}
	}
}

func TestNothingImportsCapi(t *testing.T) {
	capi := module + "/capi"
	for _, p := range listPackages(t) {
		if p.ImportPath == capi {
			if p.Name != "main" {
				t.Errorf("capi is package %s; it must be package main, built with -buildmode=c-shared", p.Name)
			}
			continue
		}
		for _, list := range [][]string{p.Deps, p.TestImports, p.XTestImports} {
			if slices.Contains(list, capi) {
				t.Errorf("%s depends on capi; capi is the C boundary and sits on top of everything", p.ImportPath)
			}
		}
	}
}

// core is the floor: nothing of alopex below it, directly or not.
func TestCoreDependsOnNoOtherAlopexPackage(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.ImportPath != module+"/core" {
			continue
		}
		for _, d := range p.Deps {
			if _, ok := internalPath(d); ok {
				t.Errorf("core depends on %s", d)
			}
		}
		return
	}
	t.Fatal("go list did not report the core package")
}

func TestRuleFor(t *testing.T) {
	for pkg, want := range map[string]string{
		"lazy": "lazy", "lazy/exec": "lazy/exec", "lazy/kernels": "lazy/kernels",
		"lazy/newthing": "lazy", "lazy/exec/sub": "lazy/exec", "core": "core",
	} {
		if _, key, ok := ruleFor(pkg); !ok || key != want {
			t.Errorf("ruleFor(%q) = %q, %v; want %q", pkg, key, ok, want)
		}
	}
	if _, _, ok := ruleFor("tools"); ok {
		t.Error("an unknown top-level package must have no rule")
	}
}
