package local_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	local "github.com/concurrency-kit/kit/exercises/18_local"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// ---------------------------------------------------------------------------
// Context values
// ---------------------------------------------------------------------------

// accessor is one of the package's two context values.
type accessor struct {
	name string
	with func(context.Context, string) context.Context
	get  func(context.Context) (string, bool)
}

var accessors = []accessor{
	{"RequestID", local.WithRequestID, local.RequestID},
	{"User", local.WithUser, local.User},
}

// TestContextValues: a value stored with WithRequestID (WithUser) is found by
// RequestID (User) in that context and in everything derived from it, a
// context without one reports false, a later With replaces the value only
// below itself, and every request sees its own value.
func TestContextValues(t *testing.T) {
	harness.Setup(t)
	for _, a := range accessors {
		t.Run(a.name, func(t *testing.T) {
			got, ok := a.get(context.Background())
			require.Falsef(t, ok, "%s of a context that carries none must report false", a.name)
			require.Emptyf(t, got, "%s of a context that carries none must return \"\"", a.name)

			ctx := a.with(context.Background(), "v-1")
			got, ok = a.get(ctx)
			require.Truef(t, ok, "%s must find the value stored with With%s", a.name, a.name)
			require.Equalf(t, "v-1", got, "%s must return the value stored with With%s", a.name, a.name)

			child, cancel := context.WithCancel(ctx)
			defer cancel()
			child, cancel2 := context.WithTimeout(child, time.Hour)
			defer cancel2()
			got, ok = a.get(child)
			require.Truef(t, ok && got == "v-1",
				"%s of a context derived (WithCancel, WithTimeout) from one that carries \"v-1\": got (%q, %v)", a.name, got, ok)

			inner := a.with(child, "v-2")
			got, _ = a.get(inner)
			require.Equalf(t, "v-2", got, "a second With%s replaces the value for the contexts derived from it", a.name)
			got, _ = a.get(ctx)
			require.Equalf(t, "v-1", got, "With%s must not change the context it was given (contexts are immutable)", a.name)

			got, ok = a.get(a.with(context.Background(), ""))
			require.Truef(t, ok, "%s must find a value that was set to \"\" (ok tells \"set to empty\" from \"not set\")", a.name)
			require.Empty(t, got)
		})
	}
	t.Run("each request sees its own values", func(t *testing.T) {
		const requests = 8
		got := make([][2]string, requests)
		var wg sync.WaitGroup
		for i := range requests {
			ctx := local.WithUser(local.WithRequestID(context.Background(), fmt.Sprintf("req-%d", i)), fmt.Sprintf("user-%d", i))
			wg.Go(func() {
				id, _ := local.RequestID(ctx)
				user, _ := local.User(ctx)
				got[i] = [2]string{id, user}
			})
		}
		wg.Wait()
		for i := range requests {
			require.Equalf(t, [2]string{fmt.Sprintf("req-%d", i), fmt.Sprintf("user-%d", i)}, got[i],
				"request %d, read in its own goroutine, must see its own request id and user", i)
		}
	})
}

// spyContext records every key its Value method is asked for.
type spyContext struct {
	context.Context
	keys []any
}

func (s *spyContext) Value(key any) any {
	s.keys = append(s.keys, key)
	return s.Context.Value(key)
}

// keysOf returns the keys a getter looks up in ctx.
func keysOf(ctx context.Context, get func(context.Context) (string, bool)) []any {
	spy := &spyContext{Context: ctx}
	get(spy)
	return spy.keys
}

// storeCarelessly is another package's code storing a value under a key of
// a built-in type.
func storeCarelessly(ctx context.Context, key any, v string) context.Context {
	return context.WithValue(ctx, key, v)
}

// carelessKeys are keys other packages might well use.
var carelessKeys = []any{
	"request-id", "requestID", "request_id", "requestId", "RequestID", "rid", "id", "ID",
	"user", "User", "user-id", "userID", "username",
	0, 1, 2, struct{}{},
}

// TestContextKeysDoNotCollide: the request id and the user never overwrite
// each other, and no value stored by another package, under whatever key,
// hides or replaces them. That holds only if each is stored under a key of
// an unexported type of package local: a string key like "request-id" is
// shared with every package that picked the same string.
func TestContextKeysDoNotCollide(t *testing.T) {
	harness.Setup(t)
	t.Run("request id and user are kept apart", func(t *testing.T) {
		both := map[string]context.Context{
			"WithRequestID then WithUser": local.WithUser(local.WithRequestID(context.Background(), "r-1"), "ada"),
			"WithUser then WithRequestID": local.WithRequestID(local.WithUser(context.Background(), "ada"), "r-1"),
		}
		for order, ctx := range both {
			id, ok := local.RequestID(ctx)
			require.Truef(t, ok && id == "r-1",
				"%s: RequestID returned (%q, %v), want (\"r-1\", true); the user must not overwrite the request id: give each its own key", order, id, ok)
			user, ok := local.User(ctx)
			require.Truef(t, ok && user == "ada",
				"%s: User returned (%q, %v), want (\"ada\", true); the request id must not overwrite the user: give each its own key", order, user, ok)
		}
		_, ok := local.User(local.WithRequestID(context.Background(), "r-1"))
		require.False(t, ok, "User of a context that carries only a request id must report false")
		_, ok = local.RequestID(local.WithUser(context.Background(), "ada"))
		require.False(t, ok, "RequestID of a context that carries only a user must report false")
	})

	t.Run("values of other packages change nothing", func(t *testing.T) {
		ctx := local.WithUser(local.WithRequestID(context.Background(), "r-1"), "ada")
		// Another package's careless code, on top of ours.
		//lint:ignore SA1029 the test plays a careless package that uses a string key
		ctx = context.WithValue(ctx, "request-id", "x")
		for _, key := range carelessKeys {
			ctx = storeCarelessly(ctx, key, "x")
		}
		id, ok := local.RequestID(ctx)
		require.Truef(t, ok && id == "r-1",
			"after another package stored \"x\" under plain keys like \"request-id\" and 0, RequestID returned (%q, %v), want (\"r-1\", true): "+
				"store the id under a key of an unexported type of your own, not a string or an int", id, ok)
		user, ok := local.User(ctx)
		require.Truef(t, ok && user == "ada",
			"after another package stored \"x\" under plain keys like \"user\" and 0, User returned (%q, %v), want (\"ada\", true): "+
				"store the user under a key of an unexported type of your own, not a string or an int", user, ok)

		var only context.Context = context.Background()
		for _, key := range carelessKeys {
			only = storeCarelessly(only, key, "x")
		}
		id, ok = local.RequestID(only)
		require.Falsef(t, ok, "RequestID found %q in a context where only another package stored values (under plain keys): "+
			"it must find only what WithRequestID stored", id)
		user, ok = local.User(only)
		require.Falsef(t, ok, "User found %q in a context where only another package stored values (under plain keys): "+
			"it must find only what WithUser stored", user)
	})

	t.Run("keys are of private types", func(t *testing.T) {
		pkg := reflect.TypeFor[local.Conn]().PkgPath()
		ctx := local.WithUser(local.WithRequestID(context.Background(), "r-1"), "ada")
		found := map[string]any{}
		for _, a := range accessors {
			keys := keysOf(ctx, a.get)
			require.NotEmptyf(t, keys, "%s must look its value up with ctx.Value", a.name)
			for _, key := range keys {
				typ := reflect.TypeOf(key)
				require.NotNilf(t, typ, "%s looks up a nil key", a.name)
				if typ.Kind() == reflect.Pointer {
					continue // a pointer made by the package is unique: no collision
				}
				require.Equalf(t, pkg, typ.PkgPath(),
					"%s looks its value up under the key %#v of type %v. Any package can make that key, so any package can "+
						"hide or replace the value by accident. Use a type of your own: type requestIDKey struct{}", a.name, key, typ)
			}
			found[a.name] = keys[len(keys)-1]
		}
		require.NotEqual(t, found["RequestID"], found["User"],
			"RequestID and User look their values up under the same key: each needs its own")
	})
}

// ---------------------------------------------------------------------------
// Serve: one connection per worker
// ---------------------------------------------------------------------------

// The Serve tests run in a synctest bubble: time is fake, so a fake Query
// that takes queryTime holds its connection busy while every other goroutine
// gets to run, and "Serve did not return within patience" costs no real time.
const (
	queryTime = time.Millisecond
	patience  = time.Minute
)

var errRefused = errors.New("fakedb: connection refused")

// fakeDB hands out fake connections and records how they are used.
type fakeDB struct {
	failDial int64         // the dial with this number (1 = the first) fails; 0: none
	failAll  bool          // every dial fails
	hold     chan struct{} // if not nil, every Query waits until it is closed

	dials      atomic.Int64 // calls of dial
	overlaps   atomic.Int64 // Query calls that found their connection busy
	afterClose atomic.Int64 // Query calls on a closed connection (or closed while they ran)
	inQuery    atomic.Int64 // Query calls running now

	mu    sync.Mutex
	conns []*fakeConn // every connection handed out
}

func (db *fakeDB) dial() (local.Conn, error) {
	n := db.dials.Add(1)
	if n == db.failDial || db.failAll {
		return nil, errRefused
	}
	c := &fakeConn{db: db, id: int(n)}
	db.mu.Lock()
	db.conns = append(db.conns, c)
	db.mu.Unlock()
	return c, nil
}

// opened returns the connections handed out so far.
func (db *fakeDB) opened() []*fakeConn {
	db.mu.Lock()
	defer db.mu.Unlock()
	return slices.Clone(db.conns)
}

// requireAllClosedOnce fails unless every connection handed out was closed
// exactly once.
func (db *fakeDB) requireAllClosedOnce(t *testing.T, when string) {
	t.Helper()
	for _, c := range db.opened() {
		require.Equalf(t, int64(1), c.closes.Load(),
			"%s, connection #%d was closed %d times: each worker closes the connection it opened exactly once, "+
				"before Serve returns", when, c.id, c.closes.Load())
	}
	require.Zerof(t, db.afterClose.Load(), "%s: Query was called on a closed connection", when)
}

// fakeConn is a connection that notices when two goroutines use it at once.
type fakeConn struct {
	db     *fakeDB
	id     int
	busy   atomic.Bool
	closes atomic.Int64
}

func (c *fakeConn) Query(q string) (string, error) {
	if c.busy.CompareAndSwap(false, true) {
		defer c.busy.Store(false)
	} else {
		c.db.overlaps.Add(1) // another goroutine is inside Query right now
	}
	if c.closes.Load() > 0 {
		c.db.afterClose.Add(1)
	}
	c.db.inQuery.Add(1)
	defer c.db.inQuery.Add(-1)
	if c.db.hold != nil {
		<-c.db.hold
	}
	time.Sleep(queryTime)
	if c.closes.Load() > 0 {
		c.db.afterClose.Add(1) // closed under the running Query
	}
	return answer(q)
}

func (c *fakeConn) Close() error {
	c.closes.Add(1)
	return nil
}

// answer is what the fake database answers to q.
func answer(q string) (string, error) {
	if strings.HasPrefix(q, "bad") {
		return "", fmt.Errorf("syntax error near %q", q)
	}
	return "rows of " + q, nil
}

// want is the result Serve must send for q.
func want(q string) string {
	a, err := answer(q)
	if err != nil {
		return "error: " + err.Error()
	}
	return a
}

// queries returns n distinct queries.
func queries(n int) []string {
	qs := make([]string, n)
	for i := range qs {
		qs[i] = fmt.Sprintf("select %d", i)
	}
	return qs
}

// filled returns a channel with room for extra more items that holds qs.
func filled(qs []string, extra int) chan string {
	ch := make(chan string, len(qs)+extra)
	for _, q := range qs {
		ch <- q
	}
	return ch
}

// server is a call of Serve running in its own goroutine of the bubble.
type server struct {
	t         *testing.T
	results   chan string
	cancel    context.CancelFunc
	closeJobs func()
	done      chan error
	returned  bool
	err       error
}

// serve starts Serve(ctx, workers, db.dial, jobs, results). When the test
// ends, even by a failed require, its cleanup closes jobs, cancels ctx and
// reads results until Serve returns, so that no goroutine outlives the
// bubble.
func serve(t *testing.T, db *fakeDB, workers int, jobs, results chan string) *server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{
		t: t, results: results, cancel: cancel,
		closeJobs: sync.OnceFunc(func() { close(jobs) }),
		done:      make(chan error, 1),
	}
	go func() { s.done <- local.Serve(ctx, workers, db.dial, jobs, results) }()
	t.Cleanup(func() {
		s.closeJobs()
		cancel()
		timeout := time.After(patience)
		for !s.returned {
			select {
			case s.err = <-s.done:
				s.returned = true
			case <-results:
			case <-timeout:
				t.Errorf("Serve did not return even %v after jobs was closed and ctx was cancelled", patience)
				return
			}
		}
	})
	return s
}

// requireRunning fails if Serve has already returned.
func (s *server) requireRunning(when string) {
	s.t.Helper()
	synctest.Wait()
	if !s.returned {
		select {
		case s.err = <-s.done:
			s.returned = true
		default:
		}
	}
	if s.returned {
		require.Failf(s.t, "Serve returned too early",
			"Serve returned (%v) %s; it must keep its workers running until jobs is closed or ctx is done", s.err, when)
	}
}

// wait waits up to patience (fake time) for Serve to return, and reports
// whether it did.
func (s *server) wait() bool {
	if !s.returned {
		select {
		case s.err = <-s.done:
			s.returned = true
		case <-time.After(patience):
		}
	}
	return s.returned
}

// collect receives n results, and fails if Serve returns or stalls first.
func (s *server) collect(n int) []string {
	s.t.Helper()
	got := make([]string, 0, n)
	timeout := time.After(patience)
	for len(got) < n {
		select {
		case r := <-s.results:
			got = append(got, r)
		case s.err = <-s.done:
			s.returned = true
			require.Failf(s.t, "Serve returned too early",
				"Serve returned (%v) after %d of %d results, with jobs still open", s.err, len(got), n)
		case <-timeout:
			require.Failf(s.t, "results missing",
				"only %d of %d results arrived within %v (fake time)", len(got), n, patience)
		}
	}
	return got
}

// TestServeAnswersEveryJob: every job gets exactly one result, the answer
// of its query, or "error: ..." when the query fails.
func TestServeAnswersEveryJob(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		qs := queries(30)
		for i := 0; i < len(qs); i += 7 {
			qs[i] = "bad " + qs[i]
		}
		db := &fakeDB{}
		s := serve(t, db, 3, filled(qs, 0), make(chan string))
		got := s.collect(len(qs))

		var expected []string
		for _, q := range qs {
			expected = append(expected, want(q))
		}
		slices.Sort(expected)
		slices.Sort(got)
		require.Equal(t, expected, got,
			"each job must give exactly one result: its answer, or \"error: \" + err.Error() when Query fails")
		synctest.Wait()
		select {
		case extra := <-s.results:
			require.Failf(t, "extra result", "%d jobs were sent but Serve sent another result, %q", len(qs), extra)
		default:
		}
		require.Equalf(t, int64(3), db.dials.Load(), "3 workers dialled %d times: a worker dials once, when it "+
			"starts, and keeps its connection after a failed query", db.dials.Load())
		s.closeJobs()
		require.True(t, s.wait(), "Serve did not return after jobs was closed")
		db.requireAllClosedOnce(t, "when Serve returned after some queries failed")
	})
}

// TestConnNeverSharedAtOnce: no connection is ever used by two goroutines
// at the same time. Every worker must have its own.
func TestConnNeverSharedAtOnce(t *testing.T) {
	harness.Setup(t)
	for _, workers := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				qs := queries(10 * workers)
				db := &fakeDB{}
				s := serve(t, db, workers, filled(qs, 0), make(chan string, len(qs)))
				s.collect(len(qs))
				require.Zerof(t, db.overlaps.Load(),
					"%d times a Query started on a connection that another goroutine was still using (Serve opened %d connection(s) for %d workers). "+
						"A Conn is not safe for concurrent use: each worker must dial its own and use only that one",
					db.overlaps.Load(), len(db.opened()), workers)
			})
		})
	}
}

// TestOneDialPerWorker: each worker dials once, when it starts, and uses
// that connection for all its jobs: as many dials as workers, not one for
// all, and not one per job.
func TestOneDialPerWorker(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		workers int
		want    int
	}{{1, 1}, {3, 3}, {5, 5}, {0, 1}, {-2, 1}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d workers", tc.workers), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				db := &fakeDB{}
				jobs := make(chan string, 20)
				s := serve(t, db, tc.workers, jobs, make(chan string, 20))
				s.requireRunning("before any job was sent")
				require.Equalf(t, int64(tc.want), db.dials.Load(),
					"Serve(workers=%d) with no job yet: each of its %d workers must dial its own connection as soon as it starts",
					tc.workers, tc.want)

				for _, q := range queries(20) {
					jobs <- q
				}
				s.collect(20)
				require.Equalf(t, int64(tc.want), db.dials.Load(),
					"after 20 jobs, Serve(workers=%d) has dialed %d times; each worker must use its one connection for all "+
						"its jobs (one dial per worker, not one per job)", tc.workers, db.dials.Load())
			})
		})
	}
}

// TestServeReturnsWhenJobsClosed: when jobs is closed, the workers finish
// the jobs still in it, close their connections and end, and only then does
// Serve return nil. No worker goes on running after jobs is closed.
func TestServeReturnsWhenJobsClosed(t *testing.T) {
	harness.Setup(t)
	t.Run("idle workers", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			db := &fakeDB{}
			s := serve(t, db, 3, make(chan string), make(chan string, 10))
			s.requireRunning("while jobs was open")
			s.closeJobs()
			require.Truef(t, s.wait(),
				"Serve did not return within %v (fake time) after jobs was closed: a worker must stop when jobs is closed "+
					"(a receive from a closed channel gives \"\", false at once, forever)", patience)
			require.NoError(t, s.err, "Serve must return nil when its workers stopped because jobs was closed")
			db.requireAllClosedOnce(t, "when Serve returned")
			select {
			case _, ok := <-s.results:
				require.True(t, ok, "Serve closed results: results belongs to the caller, who may go on using it")
				require.Fail(t, "a result came out of idle workers")
			default:
			}
		})
	})
	t.Run("jobs left in the channel are finished first", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			qs := queries(9)
			db := &fakeDB{}
			jobs := filled(qs, 0)
			results := make(chan string, len(qs))
			s := serve(t, db, 3, jobs, results)
			s.closeJobs()
			require.Truef(t, s.wait(),
				"Serve did not return within %v (fake time) after jobs was closed: a worker must stop when jobs is closed "+
					"and empty", patience)
			require.Equalf(t, len(qs), len(results),
				"when Serve returned, %d of the %d jobs sent before jobs was closed had a result: the workers must finish "+
					"every job in the channel, and Serve must wait for the workers", len(results), len(qs))
			require.NoError(t, s.err, "Serve must return nil when its workers stopped because jobs was closed")
			db.requireAllClosedOnce(t, "when Serve returned")
		})
	})
}

// TestServeStopsOnCancel: when ctx is cancelled, the workers stop waiting for
// jobs (and stop trying to send a result nobody reads), close their
// connections, and Serve returns ctx.Err().
func TestServeStopsOnCancel(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name    string
		jobs    func() chan string
		results func() chan string
	}{
		{"workers waiting for jobs", func() chan string { return make(chan string) },
			func() chan string { return make(chan string) }},
		{"workers waiting to send a result nobody reads", func() chan string { return filled(queries(3), 0) },
			func() chan string { return make(chan string) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				db := &fakeDB{}
				s := serve(t, db, 3, tc.jobs(), tc.results())
				s.requireRunning("before ctx was cancelled")
				s.cancel()
				require.Truef(t, s.wait(),
					"Serve did not return within %v (fake time) after ctx was cancelled (jobs still open): every wait in a "+
						"worker, for a job and to send a result, must also watch ctx.Done()", patience)
				require.ErrorIs(t, s.err, context.Canceled, "Serve stopped by its context must return ctx.Err()")
				db.requireAllClosedOnce(t, "when Serve returned")
			})
		})
	}
}

// TestServeWaitsForBusyWorkers: when ctx is cancelled or jobs is closed
// while workers are inside Query, Serve waits for those queries to finish
// and for the workers to close their connections. It must not return, or
// close a connection, under a running Query. (Checked while the queries are
// held, not only once everything has settled.)
func TestServeWaitsForBusyWorkers(t *testing.T) {
	harness.Setup(t)
	for _, stop := range []string{"ctx was cancelled", "jobs was closed"} {
		t.Run(stop, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				hold := make(chan struct{})
				letGo := sync.OnceFunc(func() { close(hold) })
				db := &fakeDB{hold: hold}
				s := serve(t, db, 3, filled(queries(2), 0), make(chan string, 2))
				t.Cleanup(letGo) // runs before serve's cleanup
				synctest.Wait()
				require.EqualValuesf(t, 2, db.inQuery.Load(),
					"2 jobs were sent to 3 workers: 2 workers should be inside Query by now")
				if stop == "ctx was cancelled" {
					s.cancel()
				} else {
					s.closeJobs()
				}
				synctest.Wait()
				select {
				case s.err = <-s.done:
					s.returned = true
					require.Failf(t, "Serve returned under running queries",
						"Serve returned (%v) after %s, while 2 workers were still inside Query. Serve must return only "+
							"after every worker has ended and closed its connection: wait for them (WaitGroup), also when "+
							"stopping early", s.err, stop)
				default:
				}
				require.Zerof(t, db.afterClose.Load(),
					"a connection was closed while its worker was still inside Query (after %s): only the worker that "+
						"owns a connection closes it, once its query is done", stop)
				letGo()
				require.Truef(t, s.wait(), "the queries were let go after %s, but Serve did not return within %v (fake time)", stop, patience)
				if stop == "ctx was cancelled" {
					require.ErrorIs(t, s.err, context.Canceled, "Serve stopped by its context must return ctx.Err()")
				} else {
					require.NoError(t, s.err, "Serve must return nil when its workers stopped because jobs was closed")
				}
				db.requireAllClosedOnce(t, "when Serve returned")
			})
		})
	}
}

// TestServeDialFailure: when a dial fails, Serve stops every worker, the
// connections already open are closed, and Serve returns the dial's error.
func TestServeDialFailure(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name    string
		workers int
		db      func() *fakeDB
	}{
		{"1 worker, the first dial fails", 1, func() *fakeDB { return &fakeDB{failDial: 1} }},
		{"3 workers, the first dial fails", 3, func() *fakeDB { return &fakeDB{failDial: 1} }},
		// Workers that dialled before the failure have connections to close.
		{"3 workers, the second dial fails", 3, func() *fakeDB { return &fakeDB{failDial: 2} }},
		{"3 workers, the last dial fails", 3, func() *fakeDB { return &fakeDB{failDial: 3} }},
		// Several failures at once: each worker's error must be kept safely.
		{"8 workers, every dial fails", 8, func() *fakeDB { return &fakeDB{failAll: true} }},
	}
	for _, tc := range cases {
		workers := tc.workers
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				db := tc.db()
				s := serve(t, db, workers, filled(queries(6), 0), make(chan string, 6))
				require.Truef(t, s.wait(),
					"a dial failed and Serve had not returned %v (fake time) later (jobs still open, ctx not cancelled): "+
						"a failed dial must stop every worker", patience)
				require.ErrorIsf(t, s.err, errRefused, "Serve must return an error that wraps the dial's error, got %v", s.err)
				db.requireAllClosedOnce(t, "when Serve returned after a failed dial")
			})
		})
	}
}

// ---------------------------------------------------------------------------
// Registry: the global table keyed by worker id
// ---------------------------------------------------------------------------

// TestRegistry: the zero Registry is ready; Set, Get, Delete, Len and
// Snapshot keep one table; Snapshot is a copy; and many workers may use the
// registry at once, each with its own id (run with -race).
func TestRegistry(t *testing.T) {
	harness.Setup(t)
	t.Run("one goroutine", func(t *testing.T) {
		var r local.Registry[string]
		v, ok := r.Get(1)
		require.False(t, ok, "Get on an empty (zero) registry must report false")
		require.Empty(t, v)
		require.Zero(t, r.Len(), "Len of an empty registry")
		require.NotNil(t, r.Snapshot(), "Snapshot of an empty registry must be an empty map, not nil")
		require.Empty(t, r.Snapshot())

		r.Set(1, "a")
		r.Set(2, "b")
		r.Set(1, "c")
		v, ok = r.Get(1)
		require.Truef(t, ok && v == "c", "Get(1) after Set(1, \"a\") and Set(1, \"c\") returned (%q, %v)", v, ok)
		require.Equal(t, 2, r.Len(), "Len after setting ids 1 and 2")
		snap := r.Snapshot()
		require.Equal(t, map[int]string{1: "c", 2: "b"}, snap, "Snapshot must hold every id and its state")

		snap[3] = "mine"
		delete(snap, 1)
		_, ok = r.Get(3)
		require.False(t, ok, "writing to a snapshot must not change the registry: Snapshot must return a copy")
		_, ok = r.Get(1)
		require.True(t, ok, "deleting from a snapshot must not change the registry: Snapshot must return a copy")
		snap = r.Snapshot()
		r.Set(2, "later")
		require.Equal(t, "b", snap[2], "a later Set must not change a snapshot taken before it")

		r.Delete(1)
		r.Delete(42) // no state: nothing happens
		_, ok = r.Get(1)
		require.False(t, ok, "Get(1) after Delete(1)")
		require.Equal(t, map[int]string{2: "later"}, r.Snapshot())
		require.Equal(t, 1, r.Len())
	})
	t.Run("many workers at once", func(t *testing.T) {
		// The workers and the monitor really overlap: each yields
		// (runtime.Gosched) between two calls, so that even on one core they
		// take turns in the middle of each other's work, and the monitor reads
		// (Snapshot, Len, Get) until every worker is done. Under -race, any
		// method that touches the map without holding the lock, or while
		// holding only a read lock to write, is reported.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
		for _, procs := range []int{1, 2, 4} {
			runtime.GOMAXPROCS(procs)
			const workers, rounds = 8, 300
			var r local.Registry[int]
			var wrong, badSnapshots atomic.Int64
			var working atomic.Int64
			working.Store(workers)
			harness.Together(workers+1, func(i int) {
				if i == workers { // a monitor that reads the whole table
					for working.Load() > 0 {
						for id, v := range r.Snapshot() {
							if id < 0 || id >= workers || v < 0 || v >= rounds {
								badSnapshots.Add(1)
							}
						}
						runtime.Gosched()
						if n := r.Len(); n < 0 || n > workers {
							badSnapshots.Add(1)
						}
						runtime.Gosched()
						if v, ok := r.Get(int(working.Load()) % workers); ok && (v < 0 || v >= rounds) {
							badSnapshots.Add(1)
						}
						runtime.Gosched()
					}
					return
				}
				defer working.Add(-1)
				for round := range rounds {
					r.Set(i, round)
					runtime.Gosched()
					if v, ok := r.Get(i); !ok || v != round {
						wrong.Add(1) // only worker i uses id i
					}
					runtime.Gosched()
					if round%50 == 0 {
						r.Delete(i)
						runtime.Gosched()
					}
				}
			})
			assert.Zerof(t, wrong.Load(), "GOMAXPROCS=%d: a worker did not get back the state it had just set for its own id", procs)
			assert.Zerof(t, badSnapshots.Load(), "GOMAXPROCS=%d: Snapshot, Len or Get returned an id, a size or a state that no worker set", procs)
			require.Equalf(t, workers, r.Len(), "GOMAXPROCS=%d: every worker set its own id", procs)
			for i := range workers {
				v, ok := r.Get(i)
				require.Truef(t, ok && v == rounds-1, "GOMAXPROCS=%d: worker %d's last state is %d, got (%d, %v)", procs, i, rounds-1, v, ok)
			}
		}
	})
	t.Run("a reader and a writer taking turns", func(t *testing.T) {
		// The turns are hidden from the race detector (harness.Alternate),
		// so only the registry's own lock orders a read with the next write:
		// a method that reads the map after unlocking (a Snapshot that takes
		// the map under the lock and copies it after) is reported in every
		// run, not only when the scheduler stops the reader in that gap.
		const turns = 30
		var r local.Registry[int]
		r.Set(0, 0)
		var snaps []map[int]int
		var lens []int
		harness.Alternate(turns,
			func(int) {
				snaps = append(snaps, r.Snapshot())
				lens = append(lens, r.Len())
			},
			func(step int) {
				r.Set(step+1, step+1)
				r.Delete(step)
			})
		for step := range turns {
			require.Equalf(t, map[int]int{step: step}, snaps[step], "Snapshot after %d turns of Set(k+1, k+1) then Delete(k)", step)
			require.Equalf(t, 1, lens[step], "Len after %d turns of Set(k+1, k+1) then Delete(k)", step)
		}
	})
}
