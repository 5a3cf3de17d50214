package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
)

// TestPhoneLayout opens the project list at 390×844: the sidebar hides
// behind ☰, the page does not scroll sideways, and ☰ opens and closes the
// sidebar.
func TestPhoneLayout(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tb := b.session(t, e)
		tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
		tb.loginAs(apptest.PM)
		tb.open("/projects")
		tb.do(
			chromedp.WaitVisible(chromedp.ID("projects")),
			chromedp.WaitVisible(chromedp.CSS(".burger")),
		)
		if right := eval[float64](tb, `document.querySelector('.sidebar').getBoundingClientRect().right`); right > 0 {
			t.Errorf("sidebar right edge at %.0fpx, want it off screen (≤ 0)", right)
		}
		if w := eval[int](tb, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("page is %dpx wide on a 390px screen: it scrolls sideways", w)
		}
		if hidden := eval[bool](tb, `getComputedStyle(document.querySelector('#projects th.hide-sm')).display === 'none'`); !hidden {
			t.Error("secondary columns are shown on a phone")
		}
		tb.shot("phone")

		tb.do(
			chromedp.Click(chromedp.CSS(".burger")),
			chromedp.Poll[chromedp.Void](`document.querySelector('.sidebar').getBoundingClientRect().left >= 0`),
		)
		tb.shot("phone-menu")
		// ☰ stays reachable beside the open menu and closes it again.
		tb.do(
			chromedp.Click(chromedp.CSS(".burger")),
			chromedp.Poll[chromedp.Void](`document.querySelector('.sidebar').getBoundingClientRect().right <= 0`),
		)
	})
}
