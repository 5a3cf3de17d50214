package research

import (
	"fmt"
	"strings"
	"testing"
)

func benchBody(b *testing.B) Body {
	var sb strings.Builder
	for s := 0; s < 5; s++ {
		fmt.Fprintf(&sb, "# 第%d部分\n", s+1)
		sb.WriteString("* [short] 名称\n[single] 类型 | 甲 | 乙 | 丙 | 丁\n[multi] 依据 | 订单 | ASN | 调拨 | 退货\n[scale] 满意度\n[table] 清单 | 编码 | 名称 | 数量\n[long] 说明\n")
	}
	body, err := ParseText(sb.String())
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkAggregate: 30 questions over 500 submitted responses (a large
// key-user population) — what the consultant's page computes per view.
func BenchmarkAggregate(b *testing.B) {
	body := benchBody(b)
	rs := make([]Response, 500)
	for i := range rs {
		a := Answers{}
		for j, q := range body.Questions() {
			switch q.Type {
			case TypeSingle:
				a[q.Key] = Answer{Choices: []string{q.Options[(i+j)%len(q.Options)]}}
			case TypeMulti:
				a[q.Key] = Answer{Choices: q.Options[:1+(i%3)]}
			case TypeScale:
				a[q.Key] = Answer{Scale: 1 + (i+j)%5}
			case TypeTable:
				a[q.Key] = Answer{Rows: [][]string{{"A1", "物料", "3"}, {"A2", "物料", "4"}}}
			default:
				a[q.Key] = Answer{Text: "月末集中处理，人工核对多，容易出错。"}
			}
		}
		rs[i] = Response{UserName: fmt.Sprintf("用户%d", i), Status: StatusSubmitted, Answers: a}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ag := aggregate(body, rs)
		if ag.Submitted != 500 {
			b.Fatal(ag.Submitted)
		}
	}
}

// BenchmarkCheck validates one full response (every submit and draft save).
func BenchmarkCheck(b *testing.B) {
	body := benchBody(b)
	a := Answers{}
	for _, q := range body.Questions() {
		switch q.Type {
		case TypeSingle, TypeMulti:
			a[q.Key] = Answer{Choices: q.Options[:1]}
		case TypeScale:
			a[q.Key] = Answer{Scale: 3}
		case TypeTable:
			a[q.Key] = Answer{Rows: [][]string{{"A1", "物料", "3"}}}
		default:
			a[q.Key] = Answer{Text: "说明文字"}
		}
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := body.Check(a, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSentences splits a long interview record (about 6,000 characters).
func BenchmarkSentences(b *testing.B) {
	notes := strings.Repeat("月结目前要 6 个工作日，主要卡在应收对账和费用分摊。希望新系统能按客户自动核销！\n", 100)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if len(Sentences(notes)) != 200 {
			b.Fatal("sentences")
		}
	}
}
