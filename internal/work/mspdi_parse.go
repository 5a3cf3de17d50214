package work

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Microsoft Project XML (MSPDI), the file MS Project writes with "Save as
// XML". The reader walks the tokens itself instead of unmarshalling whole
// elements, so it can bound the nesting depth and the number of tasks
// before it has built anything, and it only keeps the few elements the
// import maps; everything else in the (large) schema is skipped.

// MSPDINamespace is the default namespace of an MSPDI document.
const MSPDINamespace = "http://schemas.microsoft.com/project"

// Limits of one MSPDI file beyond its size (PlanMaxBytes).
const (
	MSPDIMaxTasks = 5000
	mspdiMaxDepth = 16      // Project/Tasks/Task/PredecessorLink/… is 4; MS Project writes at most 6
	mspdiMaxText  = 1 << 16 // one element's text; Notes can be long, nothing else is
	mspdiMaxLinks = 200     // predecessors of one task
	mspdiMaxRes   = 2000
	mspdiMaxAsg   = 50000
)

// MSLink is one PredecessorLink: Type 0 = FF, 1 = FS, 2 = SF, 3 = SS;
// LagTenths is LinkLag, in tenths of a minute (for percent formats, tenths
// of a percent); LagFormat says how the user typed it.
type MSLink struct {
	PredUID   int64
	Type      int
	LagTenths int64
	LagFormat int
}

// MSTask is one Task element as the import needs it. Strings stay as the
// file wrote them; DurationMin, WorkMin and RemainingMin are -1 when absent
// or unreadable (Bad names the element that was unreadable).
type MSTask struct {
	UID, ID       int64
	Name          string
	OutlineLevel  int
	OutlineNumber string
	Start, Finish string // "2026-03-02T08:00:00"
	DurationMin   int64
	WorkMin       int64
	RemainingMin  int64
	Milestone     bool
	Summary       bool
	Null          bool // an empty row of the sheet
	Percent       int
	Notes         string
	Links         []MSLink
	Bad           []string // elements whose value could not be read
}

// MSResource is a Resource: a person (Type 1) or material/cost.
type MSResource struct {
	UID   int64
	Name  string
	Email string
	Type  int
}

// MSAssignment puts a resource on a task.
type MSAssignment struct {
	TaskUID, ResourceUID int64
}

// MSProject is what the import reads of a file.
type MSProject struct {
	Name          string
	MinutesPerDay int64
	Calendars     int
	Tasks         []MSTask
	Resources     []MSResource
	Assignments   []MSAssignment
}

// MSPDIError is a file that cannot be read at all; Key is a catalog key.
type MSPDIError struct {
	Key  string
	Args []any
}

func (e *MSPDIError) Error() string { return e.Key }

func mspdiErr(key string, args ...any) error { return &MSPDIError{Key: key, Args: args} }

// ParseMSPDI reads an MSPDI document. A file it cannot trust (not XML, a
// DOCTYPE or entity declaration, another root, too deep, too many tasks)
// is refused whole with an *MSPDIError; a task's unreadable fields are
// listed in its Bad for the import to report on that row.
func ParseMSPDI(data []byte) (*MSProject, error) {
	if len(data) > PlanMaxBytes {
		return nil, mspdiErr("mspdi.err_too_big", PlanMaxBytes>>20)
	}
	// MS Project writes UTF-8; UTF-16 or a legacy code page comes from
	// other tools and would need a converter this reader does not carry.
	if !utf8.Valid(data) {
		return nil, mspdiErr("mspdi.err_encoding")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = nil // only the five predefined entities
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "utf8") {
			return r, nil
		}
		return nil, errors.New("charset")
	}
	pr := &MSProject{MinutesPerDay: 480}
	var path []string // local names from the root down
	var text strings.Builder
	var task *MSTask
	var link *MSLink
	var res *MSResource
	var asg *MSAssignment
	rootSeen := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, mspdiErr("mspdi.err_xml", xmlLine(err))
		}
		switch t := tok.(type) {
		case xml.Directive:
			// <!DOCTYPE …> and <!ENTITY …>: MS Project never writes them,
			// and they are how entity-expansion attacks start.
			return nil, mspdiErr("mspdi.err_doctype")
		case xml.StartElement:
			if len(path) >= mspdiMaxDepth {
				return nil, mspdiErr("mspdi.err_depth", mspdiMaxDepth)
			}
			if len(path) == 0 {
				if rootSeen || t.Name.Local != "Project" || (t.Name.Space != MSPDINamespace && t.Name.Space != "") {
					return nil, mspdiErr("mspdi.err_not_mspdi")
				}
				rootSeen = true
			}
			path = append(path, t.Name.Local)
			text.Reset()
			switch at := strings.Join(path, "/"); at {
			case "Project/Tasks/Task":
				if len(pr.Tasks) >= MSPDIMaxTasks {
					return nil, mspdiErr("mspdi.err_too_many_tasks", MSPDIMaxTasks)
				}
				pr.Tasks = append(pr.Tasks, MSTask{DurationMin: -1, WorkMin: -1, RemainingMin: -1, OutlineLevel: -1})
				task = &pr.Tasks[len(pr.Tasks)-1]
			case "Project/Tasks/Task/PredecessorLink":
				if task != nil && len(task.Links) < mspdiMaxLinks {
					task.Links = append(task.Links, MSLink{Type: 1, LagFormat: 7})
					link = &task.Links[len(task.Links)-1]
				} else if task != nil {
					task.Bad = append(task.Bad, "PredecessorLink")
				}
			case "Project/Resources/Resource":
				if len(pr.Resources) >= mspdiMaxRes {
					return nil, mspdiErr("mspdi.err_too_many_resources", mspdiMaxRes)
				}
				pr.Resources = append(pr.Resources, MSResource{Type: 1})
				res = &pr.Resources[len(pr.Resources)-1]
			case "Project/Assignments/Assignment":
				if len(pr.Assignments) >= mspdiMaxAsg {
					return nil, mspdiErr("mspdi.err_too_many_assignments", mspdiMaxAsg)
				}
				pr.Assignments = append(pr.Assignments, MSAssignment{})
				asg = &pr.Assignments[len(pr.Assignments)-1]
			case "Project/Calendars/Calendar":
				pr.Calendars++
			}
		case xml.CharData:
			if text.Len()+len(t) > mspdiMaxText {
				return nil, mspdiErr("mspdi.err_text_too_long", mspdiMaxText)
			}
			text.Write(t)
		case xml.EndElement:
			at := strings.Join(path, "/")
			v := strings.TrimSpace(text.String())
			switch {
			case at == "Project/Tasks/Task":
				task = nil
			case at == "Project/Tasks/Task/PredecessorLink":
				link = nil
			case at == "Project/Resources/Resource":
				res = nil
			case at == "Project/Assignments/Assignment":
				asg = nil
			case at == "Project/Name" || at == "Project/Title" && pr.Name == "":
				pr.Name = v
			case at == "Project/MinutesPerDay":
				if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 60 && n <= 1440 {
					pr.MinutesPerDay = n
				}
			case task != nil && link != nil && strings.HasPrefix(at, "Project/Tasks/Task/PredecessorLink/"):
				setLink(task, link, at[len("Project/Tasks/Task/PredecessorLink/"):], v)
			case task != nil && strings.HasPrefix(at, "Project/Tasks/Task/"):
				setTask(task, at[len("Project/Tasks/Task/"):], v)
			case res != nil && strings.HasPrefix(at, "Project/Resources/Resource/"):
				switch at[len("Project/Resources/Resource/"):] {
				case "UID":
					res.UID, _ = strconv.ParseInt(v, 10, 64)
				case "Name":
					res.Name = v
				case "EmailAddress":
					res.Email = v
				case "Type":
					res.Type, _ = strconv.Atoi(v)
				}
			case asg != nil && strings.HasPrefix(at, "Project/Assignments/Assignment/"):
				switch at[len("Project/Assignments/Assignment/"):] {
				case "TaskUID":
					asg.TaskUID, _ = strconv.ParseInt(v, 10, 64)
				case "ResourceUID":
					asg.ResourceUID, _ = strconv.ParseInt(v, 10, 64)
				}
			}
			path = path[:len(path)-1]
			text.Reset()
		}
	}
	if !rootSeen {
		return nil, mspdiErr("mspdi.err_not_mspdi")
	}
	return pr, nil
}

func setTask(t *MSTask, field, v string) {
	bad := func() { t.Bad = append(t.Bad, field) }
	num := func() int64 {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			bad()
		}
		return n
	}
	flag := func() bool { return v == "1" || strings.EqualFold(v, "true") }
	switch field {
	case "UID":
		t.UID = num()
	case "ID":
		t.ID = num()
	case "Name":
		t.Name = v
	case "OutlineLevel":
		n := num()
		if n < 0 || n > 100 {
			bad()
			n = -1
		}
		t.OutlineLevel = int(n)
	case "OutlineNumber":
		t.OutlineNumber = v
	case "Start":
		t.Start = v
	case "Finish":
		t.Finish = v
	case "Duration", "Work", "RemainingWork":
		m, ok := ParseISODuration(v)
		if !ok {
			bad()
			m = -1
		}
		switch field {
		case "Duration":
			t.DurationMin = m
		case "Work":
			t.WorkMin = m
		default:
			t.RemainingMin = m
		}
	case "Milestone":
		t.Milestone = flag()
	case "Summary":
		t.Summary = flag()
	case "IsNull":
		t.Null = flag()
	case "PercentComplete":
		n := num()
		if n < 0 || n > 100 {
			bad()
			n = 0
		}
		t.Percent = int(n)
	case "Notes":
		t.Notes = v
	}
}

func setLink(t *MSTask, l *MSLink, field, v string) {
	n, err := strconv.ParseInt(v, 10, 64)
	switch field {
	case "PredecessorUID":
		l.PredUID = n
	case "Type":
		l.Type = int(n)
		if n < 0 || n > 3 {
			err = errors.New("type")
		}
	case "LinkLag":
		l.LagTenths = n
	case "LagFormat":
		l.LagFormat = int(n)
	default:
		return
	}
	if err != nil {
		t.Bad = append(t.Bad, "PredecessorLink/"+field)
	}
}

// ParseISODuration reads the durations MSPDI writes ("PT40H0M0S",
// "PT7H30M0S", "P2DT4H0M0S", "-PT8H0M0S") as minutes, rounded. Years and
// months are refused: their length in minutes is not defined.
func ParseISODuration(s string) (int64, bool) {
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 2 || len(s) > 64 {
		return 0, false
	}
	s = s[1:]
	total := 0.0
	inTime := false
	any := false
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return 0, false
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, false
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || v > 1e9 {
			return 0, false
		}
		var mult float64
		switch {
		case !inTime && s[i] == 'D':
			mult = 24 * 60
		case !inTime && s[i] == 'W':
			mult = 7 * 24 * 60
		case inTime && s[i] == 'H':
			mult = 60
		case inTime && s[i] == 'M':
			mult = 1
		case inTime && s[i] == 'S':
			mult = 1.0 / 60
		default:
			return 0, false
		}
		total += v * mult
		any = true
		s = s[i+1:]
	}
	if !any || total > float64(maxMinutes)*10 || math.IsNaN(total) {
		return 0, false
	}
	m := int64(math.Round(total))
	if neg {
		m = -m
	}
	return m, true
}

// mspdiDate reads the date of "2026-03-02T08:00:00" (MSPDI writes local
// time without a zone; only the day matters here).
func mspdiDate(s string) (string, bool) {
	if len(s) < 10 {
		return "", false
	}
	d := s[:10]
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return "", false
	}
	return d, true
}

// xmlLine pulls the line number out of a decoder error for the message.
func xmlLine(err error) int {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Line
	}
	return 0
}
