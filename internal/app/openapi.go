package app

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golive/internal/web"
)

// OpenAPI builds the OpenAPI 3.1 document from the registered API routes
// and the Go types they declare, so the document cannot drift from the
// code: a route is documented by being registered.
func (a *App) OpenAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range a.Server.Routes() {
		if !rt.API {
			continue
		}
		op := map[string]any{
			"summary":     rt.Doc.Summary,
			"operationId": operationID(rt),
			"tags":        []string{rt.Doc.Tag},
			"responses":   responses(g, rt),
		}
		var params []any
		for _, name := range pathParams(rt.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": pathParamSchema(name)})
		}
		for _, q := range rt.Doc.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": map[string]any{"type": queryType(q)}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Doc.In != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Doc.In))}}}
		} else if len(rt.Doc.Upload) > 0 {
			props := map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}
			for _, f := range rt.Doc.Upload {
				props[f] = map[string]any{"type": "string"}
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"}, "properties": props}}}}
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	g.defs["Error"] = map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
			"code":    map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "forbidden", "conflict", "unauthenticated", "too_many_requests", "internal"}},
			"message": map[string]any{"type": "string"},
			"fields":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		}},
	}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "golive API", "version": Version,
			"description": "REST API of golive. Authenticate with an API token: `Authorization: Bearer glv_…` (create one under Settings or with `golive token create`). Errors are `{\"error\":{\"code\",\"message\",\"fields\"}}` in the caller's language (Accept-Language or account setting)."},
		"servers":    []any{map[string]any{"url": "/"}},
		"security":   []any{map[string]any{"bearer": []any{}}},
		"tags":       tags(a.Server.Routes()),
		"paths":      paths,
		"components": map[string]any{"schemas": g.defs, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

func (a *App) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(a.OpenAPI())
}

var paramRe = regexp.MustCompile(`\{([a-z_]+)\}`)

func pathParams(p string) []string {
	var out []string
	for _, m := range paramRe.FindAllStringSubmatch(p, -1) {
		out = append(out, m[1])
	}
	return out
}

func pathParamSchema(name string) map[string]any {
	if name == "kind" {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "integer", "format": "int64", "minimum": 1}
}

func queryType(q string) string {
	switch q {
	case "page", "per_page", "company_id", "project_id", "actor_id":
		return "integer"
	}
	return "string"
}

func operationID(rt web.Route) string {
	s := strings.ToLower(rt.Method) + strings.NewReplacer("/api/v1/", "", "/", "_", "{", "", "}", "").Replace(rt.Path)
	return s
}

func tags(routes []web.Route) []any {
	seen := map[string]bool{}
	var names []string
	for _, r := range routes {
		if r.API && !seen[r.Doc.Tag] {
			seen[r.Doc.Tag] = true
			names = append(names, r.Doc.Tag)
		}
	}
	sort.Strings(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"name": n, "description": "golive " + n}
	}
	return out
}

func responses(g *schemaGen, rt web.Route) map[string]any {
	status := rt.Doc.Status
	if status == 0 {
		status = 200
	}
	ok := map[string]any{"description": http.StatusText(status)}
	if rt.Doc.Out != nil && status != 204 {
		sch := g.schema(reflect.TypeOf(rt.Doc.Out))
		if rt.Doc.Paged {
			sch = map[string]any{"type": "object", "required": []string{"items", "total", "page", "per_page"}, "properties": map[string]any{
				"items": map[string]any{"type": "array", "items": sch}, "total": map[string]any{"type": "integer"},
				"page": map[string]any{"type": "integer"}, "per_page": map[string]any{"type": "integer"}}}
		}
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": sch}}
	}
	errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	withDesc := func(d string) map[string]any {
		m := map[string]any{"description": d}
		for k, v := range errRef {
			m[k] = v
		}
		return m
	}
	out := map[string]any{strconv.Itoa(status): ok, "401": withDesc("Not authenticated"), "404": withDesc("Not found, or not visible to the caller")}
	if rt.Doc.In != nil || rt.Method != "GET" {
		out["400"] = withDesc("Invalid input; fields names each offending field")
		out["409"] = withDesc("Conflict: stale version or a state that forbids the change")
		out["403"] = withDesc("The caller may see but not change this")
	}
	return out
}

// schemaGen turns Go types into JSON Schema, named structs into $refs.
type schemaGen struct{ defs map[string]any }

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if typ, ok := s["type"].(string); ok {
			s = copyMap(s)
			s["type"] = []any{typ, "null"}
		}
		return s
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.structSchema(t)
		}
		if pkg := t.PkgPath(); pkg != "" {
			name = strings.ToUpper(pkg[strings.LastIndex(pkg, "/")+1:][:1]) + pkg[strings.LastIndex(pkg, "/")+2:] + name
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // break recursion
			g.defs[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var allOf []any
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			allOf = append(allOf, g.schema(f.Type))
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := copyMap(g.schema(f.Type))
		if e := f.Tag.Get("enum"); e != "" {
			s["enum"] = strings.Split(e, ",")
		}
		if m := f.Tag.Get("maxLength"); m != "" {
			n, _ := strconv.Atoi(m)
			s["maxLength"] = n
		}
		if p := f.Tag.Get("pattern"); p != "" {
			s["pattern"] = p
		}
		if fm := f.Tag.Get("format"); fm != "" {
			s["format"] = fm
		}
		_ = opts
		props[name] = s
	}
	obj := map[string]any{"type": "object", "properties": props}
	if len(allOf) > 0 {
		return map[string]any{"allOf": append(allOf, obj)}
	}
	return obj
}
