package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// TestSwimlaneDragChangesAssignee: the developer and the PM look at the
// board grouped by assignee in two browser sessions. The developer drags
// their card into the consultant's lane and the 进行中 column: the card is
// stored with the consultant as its only assignee and the new status, and
// arrives in the consultant's lane on the PM's board without a reload. A
// drop against a stale version is refused: the card snaps back and a
// message says why.
func TestSwimlaneDragChangesAssignee(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		dev, con := e.Users[apptest.Developer].ID, e.Users[apptest.Consultant].ID
		mk := func(title string, in work.Input) work.Task {
			in.Title = title
			tk, err := e.App.Work.Create(ctx, pm, a, in)
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		moved := mk("期初库存导入", work.Input{AssigneeIDs: []int64{dev}, DueDate: "2026-03-20", Priority: "high"})
		stale := mk("条码打印模板", work.Input{AssigneeIDs: []int64{dev}})
		mk("工艺路线评审", work.Input{AssigneeIDs: []int64{con}, Status: "doing"})
		mk("未分配的任务", work.Input{})
		path := "/projects/" + strconv.FormatInt(a, 10) + "/board?swimlane=assignee"

		devTab := b.session(t, e)
		devTab.loginAs(apptest.Developer)
		pmTab := b.session(t, e)
		pmTab.loginAs(apptest.PM)
		for _, tb := range []*tab{devTab, pmTab} {
			if st := tb.open(path); st != 200 {
				t.Fatalf("board: %d", st)
			}
			tb.do(chromedp.Poll[chromedp.Void](`document.getElementById('board').getAttribute('data-live') === 'on'`, chromedp.WithPollingTimeout(5*time.Second)))
		}
		// Every member has a lane to drop on, the PM's included (no card yet).
		mustContain(t, "lanes", devTab.bodyText(), "developer", "consultant", "pm", "未分配")

		card := "#card-" + strconv.FormatInt(moved.ID, 10)
		conLane := "u" + strconv.FormatInt(con, 10)
		where := func(lane, status string) string {
			return fmt.Sprintf(`(() => { const c = document.querySelector(%q); if (!c) return false; const cell = c.closest('.board-cell'); return cell.dataset.lane === %q && cell.dataset.status === %q; })()`, card, lane, status)
		}
		devTab.drag(card, fmt.Sprintf(`.board-cell[data-lane=%q][data-status="doing"]`, conLane))
		devTab.do(chromedp.Poll[chromedp.Void](where(conLane, "doing")+` && document.querySelector(`+strconv.Quote(card)+`).dataset.version === "2"`, chromedp.WithPollingTimeout(5*time.Second)))
		got, _, err := e.App.Work.Get(ctx, pm, a, moved.ID)
		if err != nil || got.Status != "doing" || len(got.Assignees) != 1 || got.Assignees[0].ID != con {
			t.Fatalf("stored after the drop: %v %s %+v", err, got.Status, got.Assignees)
		}
		// The PM's board shows it in the consultant's lane, with the consultant's avatar.
		pmTab.do(chromedp.Poll[chromedp.Void](where(conLane, "doing")+` && document.querySelector(`+strconv.Quote(card+` .avatar[title="consultant"]`)+`) !== null`,
			chromedp.WithPollingTimeout(3*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
		// The lane badges follow on both boards.
		for _, tb := range []*tab{devTab, pmTab} {
			tb.do(chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('section.lane[data-lane=%q] .lane-title .badge').textContent === "2"`, conLane), chromedp.WithPollingTimeout(3*time.Second)))
		}
		devTab.shot("swimlane-mover")
		pmTab.shot("swimlane-viewer")

		// Someone changed the other card meanwhile (bypassing the board):
		// the drop is a conflict, the card goes back to where it was.
		if _, err := e.App.DB.Exec(ctx, `UPDATE tasks SET version = version + 1 WHERE id = ?`, stale.ID); err != nil {
			t.Fatal(err)
		}
		sc := "#card-" + strconv.FormatInt(stale.ID, 10)
		devLane := "u" + strconv.FormatInt(dev, 10)
		devTab.drag(sc, fmt.Sprintf(`.board-cell[data-lane=%q][data-status="todo"]`, conLane))
		devTab.do(chromedp.Poll[chromedp.Void](`document.querySelector('#toast .toast-msg') !== null`, chromedp.WithPollingTimeout(5*time.Second)))
		devTab.do(chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).closest('.board-cell').dataset.lane === %q`, sc, devLane), chromedp.WithPollingTimeout(2*time.Second)))
		mustContain(t, "conflict message", devTab.text("#toast"), "修改")
		devTab.shot("swimlane-conflict")
		if got, _, _ := e.App.Work.Get(ctx, pm, a, stale.ID); len(got.Assignees) != 1 || got.Assignees[0].ID != dev {
			t.Errorf("the refused drop changed the assignees: %+v", got.Assignees)
		}
	})
}
