package work

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// readCache keeps the results of the module's heaviest reads — a board's
// rendered columns, the total of a large task list — for a short while.
// Every change made through this service publishes a live notice after
// commit; the broker hands each notice (also those of other processes) to
// Watch, which moves the project's generation on, so an entry made before
// a change is never served after it. Writes that bypass the service
// (template plans inserted by the methodology module, imports) are seen
// within cacheTTL at most.
type readCache struct {
	mu      sync.Mutex
	gen     map[int64]uint64 // project → generation
	epoch   uint64           // bumped when everything may have changed
	entries map[string]cacheEntry
}

type cacheEntry struct {
	project int64
	gen     uint64
	epoch   uint64
	at      time.Time
	val     any
}

const (
	cacheTTL  = 2 * time.Second
	cacheSize = 512
)

func newReadCache() *readCache {
	return &readCache{gen: map[int64]uint64{}, entries: map[string]cacheEntry{}}
}

// changed is the broker's watcher: a notice on "project:<id>" bumps that
// project; "" (or an unknown topic) bumps everything.
func (c *readCache) changed(topic string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, err := strconv.ParseInt(strings.TrimPrefix(topic, "project:"), 10, 64); err == nil && strings.HasPrefix(topic, "project:") {
		c.gen[id]++
		return
	}
	c.epoch++
}

// stamp is the state a reader saw before reading: put stores the result
// only under it, so a change committed meanwhile makes the entry stale.
type stamp struct{ gen, epoch uint64 }

func (c *readCache) stamp(project int64) stamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return stamp{c.gen[project], c.epoch}
}

func (c *readCache) get(project int64, key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.gen != c.gen[project] || e.epoch != c.epoch || time.Since(e.at) > cacheTTL {
		return nil, false
	}
	return e.val, true
}

func (c *readCache) put(project int64, key string, st stamp, val any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= cacheSize {
		// Drop what is stale; if nothing is, start over (entries live
		// seconds, so this costs a few misses at worst).
		now := time.Now()
		for k, e := range c.entries {
			if e.gen != c.gen[e.project] || e.epoch != c.epoch || now.Sub(e.at) > cacheTTL {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= cacheSize {
			clear(c.entries)
		}
	}
	c.entries[key] = cacheEntry{project: project, gen: st.gen, epoch: st.epoch, at: time.Now(), val: val}
}
