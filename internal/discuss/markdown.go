package discuss

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// md renders comment bodies. Raw HTML is never passed through (goldmark
// omits it unless WithUnsafe is given, which it is not) and dangerous link
// targets (javascript:, vbscript:, data: other than images) are dropped.
// Hard wraps keep line breaks as people type them in a textarea.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.CJK),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// RenderMarkdown turns a comment body into safe HTML.
func RenderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(b.String())
}
