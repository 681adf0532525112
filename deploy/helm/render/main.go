// Command render renders a Helm chart's templates offline, the way `helm template` does, for
// machines where the helm binary cannot be installed. It uses the same template engine as Helm
// (Go's text/template with the sprig function library, minus env/expandenv, plus Helm's include,
// tpl, required, fail, toYaml, fromYaml, toJson, fromJson, and a lookup that finds nothing) and
// the same data (.Values, .Chart, .Release, .Capabilities, .Template). It does not do what Helm
// does beyond rendering: no subcharts, no hooks ordering, no .Files, no schema validation (the
// checks do that with ajv), no NOTES.txt.
//
// Usage: render <chart dir> [-f values.yaml]... [--set-string key.path=value]...
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type chartMeta struct {
	APIVersion  string `yaml:"apiVersion"`
	Name        string `yaml:"name"`
	Version     string `yaml:"version"`
	AppVersion  string `yaml:"appVersion"`
	Description string `yaml:"description"`
	Type        string `yaml:"type"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "render: "+format+"\n", args...)
	os.Exit(1)
}

func readYAML(path string) map[string]interface{} {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(raw, &out); err != nil {
		fail("%s: %v", path, err)
	}
	return out
}

// merge lays `over` onto `base`, maps recursively, like Helm's values coalescing.
func merge(base, over map[string]interface{}) map[string]interface{} {
	for key, value := range over {
		if sub, ok := value.(map[string]interface{}); ok {
			if existing, ok := base[key].(map[string]interface{}); ok {
				base[key] = merge(existing, sub)
				continue
			}
		}
		if value == nil {
			delete(base, key)
			continue
		}
		base[key] = value
	}
	return base
}

func setString(values map[string]interface{}, assignment string) {
	parts := strings.SplitN(assignment, "=", 2)
	if len(parts) != 2 {
		fail("--set-string wants key.path=value, got %q", assignment)
	}
	keys := strings.Split(parts[0], ".")
	node := values
	for _, key := range keys[:len(keys)-1] {
		next, ok := node[key].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			node[key] = next
		}
		node = next
	}
	node[keys[len(keys)-1]] = parts[1]
}

func toYAML(value interface{}) string {
	var buffer bytes.Buffer
	encoder := yaml.NewEncoder(&buffer)
	encoder.SetIndent(2)
	if err := encoder.Encode(value); err != nil {
		return ""
	}
	return strings.TrimSuffix(buffer.String(), "\n")
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: render <chart dir> [-f values.yaml]... [--set-string key=value]...")
	}
	chartDir := os.Args[1]
	var meta chartMeta
	raw, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		fail("%v", err)
	}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		fail("Chart.yaml: %v", err)
	}
	values := readYAML(filepath.Join(chartDir, "values.yaml"))
	for i := 2; i < len(os.Args); i++ {
		switch os.Args[i] {
		case "-f":
			i++
			values = merge(values, readYAML(os.Args[i]))
		case "--set-string":
			i++
			setString(values, os.Args[i])
		default:
			fail("unknown argument %q", os.Args[i])
		}
	}

	paths, _ := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	sort.Strings(paths)
	root := template.New(meta.Name)
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(text string) map[string]interface{} {
		out := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(text), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["toJson"] = func(value interface{}) string {
		out, _ := json.Marshal(value)
		return string(out)
	}
	funcs["fromJson"] = func(text string) map[string]interface{} {
		out := map[string]interface{}{}
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil || value == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	funcs["fail"] = func(message string) (string, error) { return "", fmt.Errorf("%s", message) }
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buffer bytes.Buffer
		if err := root.ExecuteTemplate(&buffer, name, data); err != nil {
			return "", err
		}
		return buffer.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buffer bytes.Buffer
		if err := t.Execute(&buffer, data); err != nil {
			return "", err
		}
		return buffer.String(), nil
	}
	root.Funcs(funcs).Option("missingkey=zero")

	names := []string{}
	for _, path := range paths {
		base := filepath.Base(path)
		if !(strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".tpl")) {
			continue
		}
		text, err := os.ReadFile(path)
		if err != nil {
			fail("%v", err)
		}
		name := filepath.ToSlash(filepath.Join(meta.Name, "templates", base))
		if _, err := root.New(name).Parse(string(text)); err != nil {
			fail("%v", err)
		}
		if !strings.HasPrefix(base, "_") {
			names = append(names, name)
		}
	}

	data := map[string]interface{}{
		"Values": values,
		"Chart": map[string]interface{}{
			"Name": meta.Name, "Version": meta.Version, "AppVersion": meta.AppVersion,
			"Description": meta.Description, "Type": meta.Type, "APIVersion": meta.APIVersion,
		},
		"Release": map[string]interface{}{
			"Name": "gatehouse", "Namespace": "gatehouse", "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30", "GitVersion": "v1.30.0"},
			"APIVersions": []string{},
		},
	}
	var out strings.Builder
	for _, name := range names {
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": filepath.ToSlash(filepath.Join(meta.Name, "templates"))}
		var buffer bytes.Buffer
		if err := root.ExecuteTemplate(&buffer, name, data); err != nil {
			fail("%v", err)
		}
		rendered := strings.ReplaceAll(buffer.String(), "<no value>", "")
		if strings.TrimSpace(rendered) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(rendered))
	}
	fmt.Print(out.String())
}
