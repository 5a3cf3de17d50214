package change

import (
	"fmt"
	"testing"
)

// A large baseline: 500 requirements, 800 functions, 1,200 links.
func bigContent() Content {
	var c Content
	for i := 1; i <= 500; i++ {
		c.Requirements = append(c.Requirements, Req{Number: fmt.Sprintf("REQ-%03d", i), Title: fmt.Sprintf("需求标题 %d：按批次追溯物料", i),
			Description: "来料检验合格后自动放行，并记录检验员与时间。\n支持按供应商统计。", Priority: "must", Module: "生产管理", Acceptance: "扫码可查", Value: 4, Effort: 3})
	}
	for i := 1; i <= 800; i++ {
		c.Functions = append(c.Functions, Func{Number: fmt.Sprintf("F-%03d", i), Name: fmt.Sprintf("功能 %d", i), Kind: "custom", EffortTenths: int64(i % 50)})
	}
	for i := 1; i <= 1200; i++ {
		c.Links = append(c.Links, Mapping{Req: fmt.Sprintf("REQ-%03d", i%500+1), Func: fmt.Sprintf("F-%03d", i%800+1)})
	}
	return c
}

func BenchmarkCanonicalHash(b *testing.B) {
	c := bigContent()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Hash()
	}
}

func BenchmarkDiff(b *testing.B) {
	x, y := bigContent(), bigContent()
	y.Requirements[10].Title = "改"
	y.Functions = y.Functions[1:]
	b.ReportAllocs()
	for b.Loop() {
		_ = Diff(x, y)
	}
}
