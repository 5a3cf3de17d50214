package engine

import (
	"strings"
	"unicode/utf8"
)

// HalfWidth maps full-width ASCII variants (Ａ, １, ，, （ …) and the
// ideographic space to their ASCII forms. Other text is returned as is
// (and without allocating when nothing changes).
func HalfWidth(s string) string {
	out, _ := halfWidth(s)
	return out
}

// halfWidth reports whether anything changed. Full-width forms are
// U+FF01–U+FF5E (UTF-8 EF BC 81 – EF BD 9E); the ideographic space is
// U+3000 (E3 80 80). Text without those lead bytes is returned at once.
func halfWidth(s string) (string, bool) {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == 0xEF && i+2 < len(s) && isFullWidthAt(s, i) || c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80 {
			break
		}
	}
	if i == len(s) {
		return s, false
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == 0xEF && i+2 < len(s) && isFullWidthAt(s, i):
			r, _ := utf8.DecodeRuneInString(s[i:])
			b = append(b, byte(r-0xFEE0))
			i += 3
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80:
			b = append(b, ' ')
			i += 3
		default:
			b = append(b, c)
			i++
		}
	}
	return string(b), true
}

func isFullWidthAt(s string, i int) bool {
	b1, b2 := s[i+1], s[i+2]
	return b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF || b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E
}

// CollapseSpaces trims white space at both ends and turns every inner run
// of white space (including the ideographic space and non-breaking space)
// into one ASCII space, without allocating when nothing changes.
func CollapseSpaces(s string) string {
	out, _ := collapseSpaces(s)
	return out
}

// spaceAt returns the byte length of a white-space character at s[i], or 0.
func spaceAt(s string, i int) int {
	switch c := s[i]; {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		return 1
	case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // U+00A0
		return 2
	case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80: // U+3000
		return 3
	case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] >= 0x80 && s[i+2] <= 0x8B || s[i+2] == 0xAF): // U+2000–200B, U+202F
		return 3
	}
	return 0
}

func collapseSpaces(s string) (string, bool) {
	// Fast path: no white space other than single ASCII spaces between
	// other characters.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				clean = false
				break
			}
			continue
		}
		if c < 0x20 || c == 0xC2 || c == 0xE3 || c == 0xE2 {
			if spaceAt(s, i) > 0 {
				clean = false
				break
			}
		}
		if c > 0x20 && c < 0x80 {
			continue
		}
		if i+1 < len(s) && s[i+1] == ' ' && spaceAt(s, i) > 0 {
			clean = false
			break
		}
	}
	if clean {
		return s, false
	}
	b := make([]byte, 0, len(s))
	pending := false
	for i := 0; i < len(s); {
		if n := spaceAt(s, i); n > 0 {
			pending = len(b) > 0
			i += n
			continue
		}
		if pending {
			b = append(b, ' ')
			pending = false
		}
		b = append(b, s[i])
		i++
	}
	out := string(b)
	return out, out != s
}

// caseASCII upper- or lower-cases ASCII letters, allocating only when a
// letter changes.
func caseASCII(s string, upper bool) (string, bool) {
	lo, hi := byte('a'), byte('z')
	if !upper {
		lo, hi = 'A', 'Z'
	}
	i := 0
	for ; i < len(s); i++ {
		if s[i] >= lo && s[i] <= hi {
			break
		}
	}
	if i == len(s) {
		return s, false
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if b[i] >= lo && b[i] <= hi {
			b[i] ^= 0x20
		}
	}
	return string(b), true
}

// NormalizeDate turns a date as customers type it into YYYY-MM-DD:
// 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, an Excel serial
// number (45296 or 45296.5, 1900 date system), with full-width digits,
// surrounding spaces, and a time after the date (dropped). ok is false for
// anything else or an impossible date. Two-digit years and day-first or
// month-first orders (1/5/2024) are refused: they are ambiguous.
func NormalizeDate(s string) (iso string, ok bool) {
	if isISODate(s) {
		return s, true
	}
	s, _ = halfWidth(s)
	s = strings.TrimSpace(s)
	if isISODate(s) {
		return s, true
	}
	if s == "" {
		return "", false
	}
	// Excel serial number: up to 5 integer digits, optional fraction (time).
	if n, ok := excelSerial(s); ok {
		return serialToISO(n)
	}
	if len(s) == 8 && allDigits(s) {
		return isoFrom(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
	}
	// Y sep M sep D [日] [time]
	i := 0
	y, n := digitsAt(s, i)
	if n != 4 {
		return "", false
	}
	i += n
	sep, sl := dateSepAt(s, i)
	if sl == 0 {
		return "", false
	}
	i += sl
	mo, n := digitsAt(s, i)
	if n < 1 || n > 2 {
		return "", false
	}
	i += n
	sep2, sl := dateSepAt(s, i)
	if sl == 0 || (sep == '年') != (sep2 == '月') || sep != '年' && sep2 != sep {
		return "", false
	}
	i += sl
	d, n := digitsAt(s, i)
	if n < 1 || n > 2 {
		return "", false
	}
	i += n
	if sep == '年' && strings.HasPrefix(s[i:], "日") {
		i += len("日")
	} else if sep == '年' && strings.HasPrefix(s[i:], "号") {
		i += len("号")
	}
	if i < len(s) && !validTimeTail(s[i:]) {
		return "", false
	}
	return isoFrom(y, mo, d)
}

// validTimeTail accepts what spreadsheets append to a date: " 0:00",
// " 10:30:00", "T10:30:00Z".
func validTimeTail(t string) bool {
	if t[0] != ' ' && t[0] != 'T' {
		return false
	}
	t = strings.TrimSpace(t[1:])
	if t == "" {
		return true
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= '0' && c <= '9' || c == ':' || c == '.' || c == 'Z' || c == '+' || c == '-') {
			return false
		}
	}
	return t[0] >= '0' && t[0] <= '9'
}

func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range [8]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return validDate(atoi(s[:4]), atoi(s[5:7]), atoi(s[8:]))
}

func dateSepAt(s string, i int) (rune, int) {
	if i >= len(s) {
		return 0, 0
	}
	switch s[i] {
	case '-', '/', '.':
		return rune(s[i]), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == '年' || r == '月' {
		return r, n
	}
	return 0, 0
}

func digitsAt(s string, i int) (v, n int) {
	for i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' && n < 9 {
		v = v*10 + int(s[i+n]-'0')
		n++
	}
	return v, n
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func atoi(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

func validDate(y, m, d int) bool {
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func isoFrom(y, m, d int) (string, bool) {
	if !validDate(y, m, d) {
		return "", false
	}
	var b [10]byte
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+m/10), byte('0'+m%10)
	b[7], b[8], b[9] = '-', byte('0'+d/10), byte('0'+d%10)
	return string(b[:]), true
}

// excelSerial reads "45296" or "45296.75" (at most 5 integer digits).
func excelSerial(s string) (int, bool) {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) == 0 || len(intPart) > 5 || !allDigits(intPart) || hasFrac && !allDigits(frac) {
		return 0, false
	}
	return atoi(intPart), true
}

// serialToISO converts an Excel 1900-system serial day. Serial 60 is the
// 29 February 1900 that Excel invents (Lotus compatibility): refused.
func serialToISO(n int) (string, bool) {
	if n < 1 || n == 60 {
		return "", false
	}
	if n < 60 {
		n++ // before the phantom day the offset from 1899-12-30 is one more
	}
	// Days from 1899-12-30 to a civil date (Howard Hinnant's algorithm).
	z := n - 25569 + 719468 // 25569 = serial of 1970-01-01
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return isoFrom(y, m, d)
}

// number is a parsed decimal: mant × 10^-frac, negative if neg.
type number struct {
	mant uint64
	frac int // digits after the point (0–18)
	neg  bool
}

// parseNumber reads the forms NormalizeNumber documents. It does not
// allocate for ASCII input.
func parseNumber(s string) (number, bool) {
	if n, ok := parsePlain(s); ok {
		return n, true
	}
	var n number
	if !isASCII(s) {
		s, _ = halfWidth(s)
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(s, "元")
		s = strings.TrimPrefix(s, "￥") // U+FFE5
		s = strings.TrimPrefix(s, "¥") // U+00A5
		s = strings.TrimSpace(s)
	} else {
		s = strings.TrimSpace(s)
	}
	if s == "" {
		return n, false
	}
	if s[0] == '(' && s[len(s)-1] == ')' {
		n.neg = true
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if n.neg && s[0] == '-' {
			return n, false
		}
		n.neg = n.neg || s[0] == '-'
		s = strings.TrimSpace(s[1:])
	}
	if strings.HasPrefix(s, "$") {
		s = s[1:]
	} else if strings.HasPrefix(s, "￥") {
		s = s[len("￥"):]
	} else if strings.HasPrefix(s, "¥") {
		s = s[len("¥"):]
	}
	// Chinese multipliers, possibly followed by 元.
	mult := 0
	s = strings.TrimSuffix(s, "元")
	switch {
	case strings.HasSuffix(s, "万"):
		mult, s = 4, s[:len(s)-len("万")]
	case strings.HasSuffix(s, "亿"):
		mult, s = 8, s[:len(s)-len("亿")]
	case strings.HasSuffix(s, "千"):
		mult, s = 3, s[:len(s)-len("千")]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i > 0 {
		e := s[i+1:]
		neg := false
		if e != "" && (e[0] == '+' || e[0] == '-') {
			neg = e[0] == '-'
			e = e[1:]
		}
		if len(e) == 0 || len(e) > 2 || !allDigits(e) {
			return n, false
		}
		exp = atoi(e)
		if neg {
			exp = -exp
		}
		s = s[:i]
	}
	digits, seenPoint, sinceComma, commas := 0, false, -1, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n.mant > (1<<63)/10 {
				return n, false
			}
			n.mant = n.mant*10 + uint64(c-'0')
			digits++
			if seenPoint {
				n.frac++
			} else if sinceComma >= 0 {
				sinceComma++
			}
		case c == ',' && !seenPoint && digits > 0:
			if sinceComma >= 0 && sinceComma != 3 {
				return n, false
			}
			sinceComma, commas = 0, true
		case c == '.' && !seenPoint:
			if commas && sinceComma != 3 {
				return n, false
			}
			seenPoint = true
		default:
			return n, false
		}
	}
	if digits == 0 || commas && !seenPoint && sinceComma != 3 {
		return n, false
	}
	exp += mult
	for ; exp > 0; exp-- {
		if n.frac > 0 {
			n.frac--
			continue
		}
		if n.mant > (1<<63)/10 {
			return n, false
		}
		n.mant *= 10
	}
	n.frac -= exp
	if n.frac > 18 {
		return n, false
	}
	// Drop trailing zeros after the point.
	for n.frac > 0 && n.mant%10 == 0 {
		n.mant /= 10
		n.frac--
	}
	if n.mant == 0 {
		n.neg = false
	}
	return n, true
}

// parsePlain is parseNumber's fast path for [-]digits[.digits], the form
// most cells already have.
func parsePlain(s string) (number, bool) {
	var n number
	i := 0
	if len(s) > 0 && s[0] == '-' {
		n.neg, i = true, 1
	}
	digits, point := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n.mant > (1<<63)/10 {
				return n, false
			}
			n.mant = n.mant*10 + uint64(c-'0')
			digits++
			if point {
				n.frac++
			}
		case c == '.' && !point:
			point = true
		default:
			return n, false
		}
	}
	if digits == 0 || n.frac > 18 {
		return n, false
	}
	for n.frac > 0 && n.mant%10 == 0 {
		n.mant /= 10
		n.frac--
	}
	if n.mant == 0 {
		n.neg = false
	}
	return n, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
	100000000000000, 1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000}

// scaled returns the number as an integer of 10^-scale units; ok is false
// when it has more decimals than scale or does not fit in int64.
func (n number) scaled(scale int) (int64, bool) {
	if n.frac > scale {
		return 0, false
	}
	m := n.mant
	for k := n.frac; k < scale; k++ {
		if m > (1<<63-1)/10 {
			return 0, false
		}
		m *= 10
	}
	if m > 1<<63-1 {
		return 0, false
	}
	v := int64(m)
	if n.neg {
		v = -v
	}
	return v, true
}

// appendScaled formats v (10^-scale units) with exactly scale decimals.
func appendScaled(b []byte, v int64, scale int) []byte {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = uint64(-v) // also right for the smallest int64
	}
	var tmp [24]byte
	i := len(tmp)
	for k := 0; k < scale; k++ {
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
	}
	if scale > 0 {
		i--
		tmp[i] = '.'
	}
	for {
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// NormalizeNumber turns a number as customers type it into a plain decimal
// string (no grouping, '.' as the point, '-' sign, no trailing zeros after
// the point): 1,234.50 → 1234.5, ￥1,234 / ¥1,234 → 1234, 1.2万 → 12000,
// 3亿 → 300000000, (1,234.00) → -1234, 1.5E+03 → 1500, full-width digits.
// A percent sign is refused (0.05 or 5 is the reader's guess). ok is false
// when s is not a number or does not fit in 18 digits.
func NormalizeNumber(s string) (num string, ok bool) {
	n, ok := parseNumber(s)
	if !ok {
		return "", false
	}
	v, ok := n.scaled(n.frac)
	if !ok {
		return "", false
	}
	return string(appendScaled(nil, v, n.frac)), true
}

var boolWords = map[string]bool{
	"是": true, "否": false, "对": true, "错": false, "真": true, "假": false,
	"有": true, "无": false, "√": true, "×": false, "✓": true, "✗": false,
	"y": true, "n": false, "yes": true, "no": false, "true": true, "false": false,
	"t": true, "f": false, "1": true, "0": false,
}

// NormalizeBool reads 是/否, 对/错, 真/假, 有/无, √/×, Y/N, yes/no,
// true/false, T/F, 1/0 (any case and width). ok is false for anything else.
func NormalizeBool(s string) (v bool, ok bool) {
	if s == "true" || s == "false" {
		return s == "true", true
	}
	s, _ = halfWidth(s)
	s = strings.ToLower(strings.TrimSpace(s))
	v, ok = boolWords[s]
	return v, ok
}

// normalizeTyped normalises a value of type t to its canonical string:
// YYYY-MM-DD, a decimal with scale places, an integer, "true"/"false";
// text and codes as they are. It returns s itself when s is canonical.
func normalizeTyped(t FieldType, scale int, s string) (string, bool) {
	switch t {
	case TypeDate:
		return NormalizeDate(s)
	case TypeInt, TypeDecimal:
		if t == TypeInt {
			scale = 0
		}
		n, ok := parseNumber(s)
		if !ok {
			return "", false
		}
		v, ok := n.scaled(scale)
		if !ok {
			return "", false
		}
		var buf [32]byte
		b := appendScaled(buf[:0], v, scale)
		if string(b) == s {
			return s, true
		}
		return string(b), true
	case TypeBool:
		v, ok := NormalizeBool(s)
		if !ok {
			return "", false
		}
		if v {
			return "true", true
		}
		return "false", true
	}
	return s, true
}

// canonicalScaled reads a value already written the way appendScaled
// writes it (optional '-', no leading zeros, exactly scale decimals):
// most cells of a clean file are, and they then skip the general parser.
func canonicalScaled(s string, scale int) (int64, bool) {
	i, neg := 0, false
	if i < len(s) && s[0] == '-' {
		i, neg = 1, true
	}
	intEnd := len(s)
	if scale > 0 {
		intEnd = len(s) - scale - 1
		if intEnd <= i || s[intEnd] != '.' {
			return 0, false
		}
	}
	// 18 digits always fit an int64; longer values take the general path.
	if intEnd-i < 1 || (s[i] == '0' && intEnd-i > 1) || intEnd-i+scale > 18 {
		return 0, false
	}
	var v int64
	for k := i; k < len(s); k++ {
		if k == intEnd {
			continue
		}
		c := s[k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		if v == 0 {
			return 0, false
		}
		v = -v
	}
	return v, true
}
