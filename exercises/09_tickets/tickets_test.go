package tickets_test

import (
	"fmt"
	"math"
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

	tickets "github.com/concurrency-kit/kit/exercises/09_tickets"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// waitLimit bounds every wait for something another goroutine must do. A
// correct office does it within microseconds; a wrong one never does, and the
// test then fails with a message instead of hanging.
const waitLimit = 2 * time.Second

// problems collects failures found inside worker goroutines (which must not
// call t.FailNow) so that the test can report them afterwards. Only the first
// few are kept.
type problems struct {
	mu   sync.Mutex
	list []string
	more int
}

func (p *problems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) < 5 {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	} else {
		p.more++
	}
}

func (p *problems) requireNone(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) > 0 {
		require.Failf(t, "wrong results under concurrency",
			"%d problem(s), first ones:\n  %s", len(p.list)+p.more, strings.Join(p.list, "\n  "))
	}
}

// checkTickets checks that the tickets in sold (window -> tickets) are
// exactly 1..stock, each once.
func checkTickets(t *testing.T, what string, stock int, sold map[int][]int) {
	t.Helper()
	seller := make(map[int]int, stock) // ticket -> window that sold it
	total := 0
	for w, list := range sold {
		for _, ticket := range list {
			total++
			require.Truef(t, ticket >= 1 && ticket <= stock,
				"%s: window %d got ticket %d, but tickets are numbered 1..%d", what, w, ticket, stock)
			if other, dup := seller[ticket]; dup {
				require.Failf(t, "ticket sold twice",
					"%s: ticket %d was sold by window %d and again by window %d; check and take it in one critical section",
					what, ticket, other, w)
			}
			seller[ticket] = w
		}
	}
	require.LessOrEqualf(t, total, stock,
		"%s: %d tickets sold from a stock of %d (oversold)", what, total, stock)
	require.Equalf(t, stock, total,
		"%s: only %d of %d tickets were sold; every window keeps selling until Sell says sold out", what, total, stock)
}

// TestSellInOrderThenSoldOut: one window sells tickets 1..stock in order,
// Remaining counts down, and a sold-out office answers (0, false) and stays
// at zero. An office with a huge stock (math.MaxInt) works the same.
func TestSellInOrderThenSoldOut(t *testing.T) {
	harness.Setup(t)
	const stock = 5
	o := tickets.NewOffice(stock)
	require.Equal(t, stock, o.Remaining(), "a new office holds its whole stock")

	for want := 1; want <= stock; want++ {
		ticket, ok := o.Sell(1 + want%2)
		require.Truef(t, ok, "Sell #%d: %d ticket(s) were left, so the sale must succeed", want, stock-want+1)
		require.Equalf(t, want, ticket, "tickets are sold in order 1, 2, 3, ...; sale #%d", want)
		require.Equalf(t, stock-want, o.Remaining(), "Remaining after %d of %d tickets were sold", want, stock)
	}
	for try := 1; try <= 3; try++ {
		ticket, ok := o.Sell(1)
		require.Falsef(t, ok, "sold-out office: Sell must report ok == false (attempt %d)", try)
		require.Zerof(t, ticket, "sold-out office: Sell must return ticket 0 (attempt %d)", try)
		require.Equalf(t, 0, o.Remaining(),
			"sold-out office: Remaining must stay 0 after a failed Sell, never go negative (attempt %d)", try)
	}

	t.Run("a huge stock", func(t *testing.T) {
		const huge = math.MaxInt
		var o *tickets.Office
		require.NotPanicsf(t, func() { o = tickets.NewOffice(huge) },
			"NewOffice(%d) panicked: an office must hold any stock, and it only needs to count the tickets sold, "+
				"not store every ticket (a slice or a channel of %d tickets cannot be made)", huge, huge)
		require.Equal(t, huge, o.Remaining(), "a new office holds its whole stock")
		for want := 1; want <= 2; want++ {
			ticket, ok := o.Sell(1)
			require.Truef(t, ok, "sale #%d from a stock of %d must succeed", want, huge)
			require.Equalf(t, want, ticket, "tickets are sold in order 1, 2, 3, ...; sale #%d", want)
		}
		require.Equal(t, huge-2, o.Remaining(), "Remaining after 2 tickets were sold")
	})
}

// TestNothingToSell: an office with no stock (or a negative one) sells
// nothing, and SellAll still reports every window; SellAll with no windows
// (or a negative number of them) sells nothing and returns an empty map.
func TestNothingToSell(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name           string
		stock, windows int
		wantRemaining  int
	}{
		{name: "zero stock", stock: 0, windows: 3, wantRemaining: 0},
		{name: "negative stock counts as zero", stock: -3, windows: 3, wantRemaining: 0},
		{name: "no windows", stock: 5, windows: 0, wantRemaining: 5},
		{name: "a negative number of windows", stock: 5, windows: -2, wantRemaining: 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tickets.NewOffice(tc.stock)
			require.Equal(t, tc.wantRemaining, o.Remaining(), "Remaining of a new office")

			var printed atomic.Int32
			var got map[int][]int
			require.NotPanicsf(t, func() { got = o.SellAll(tc.windows, func(window, ticket int) { printed.Add(1) }) },
				"SellAll(%d, ...) panicked: windows < 1 opens no window and returns an empty map", tc.windows)
			require.Zero(t, printed.Load(), "print was called although no ticket could be sold")
			require.NotNilf(t, got, "SellAll(%d, ...) returned a nil map: it must return a map (an empty one when "+
				"there are no windows), which the caller may add to", tc.windows)
			require.Lenf(t, got, max(tc.windows, 0), "SellAll(%d, ...) must return one entry per window", tc.windows)
			for w := 1; w <= tc.windows; w++ {
				list, found := got[w]
				require.Truef(t, found, "SellAll's result has no entry for window %d (windows are numbered 1..%d)", w, tc.windows)
				require.Emptyf(t, list, "window %d sold tickets from an office with nothing to sell", w)
			}
			require.Equal(t, tc.wantRemaining, o.Remaining(), "Remaining after SellAll")

			if tc.wantRemaining == 0 {
				ticket, ok := o.Sell(1)
				require.False(t, ok, "Sell on an office with nothing to sell must report ok == false")
				require.Zero(t, ticket, "Sell on an office with nothing to sell must return ticket 0")
				require.Equal(t, 0, o.Remaining(), "Remaining must stay 0, never go negative")
			}
		})
	}
}

// TestEveryTicketSoldExactlyOnce: many windows call Sell at the same moment,
// over and over; every ticket 1..stock is sold exactly once, never more.
func TestEveryTicketSoldExactlyOnce(t *testing.T) {
	harness.Setup(t)
	const rounds, windows, stock = 40, 32, 200
	for round := 1; round <= rounds; round++ {
		o := tickets.NewOffice(stock)
		sold := make([][]int, windows) // goroutine i writes only sold[i]
		harness.Together(windows, func(i int) {
			for len(sold[i]) <= stock { // bound: a broken office may never sell out
				ticket, ok := o.Sell(i + 1)
				if !ok {
					return
				}
				sold[i] = append(sold[i], ticket)
				runtime.Gosched() // let the other windows in between two sales
			}
		})
		byWindow := make(map[int][]int, windows)
		for i, list := range sold {
			byWindow[i+1] = list
		}
		checkTickets(t, fmt.Sprintf("round %d, %d windows, stock %d", round, windows, stock), stock, byWindow)
	}
}

// TestRemainingNeverNegativeAndConsistent: while windows sell, and then keep
// trying to sell from the sold-out office, Remaining read from other
// goroutines stays within 0..stock, never goes up, agrees with the tickets
// already sold, and ends at 0. A Sell that takes a ticket first and puts it
// back when there was none (in a second critical section) shows a negative
// stock in between, and the readers see it.
func TestRemainingNeverNegativeAndConsistent(t *testing.T) {
	harness.Setup(t)
	const rounds, sellers, readers, stock, soldOutTries, siegeTries = 10, 8, 4, 100, 100, 10_000
	for round := 1; round <= rounds; round++ {
		o := tickets.NewOffice(stock)
		require.Equalf(t, stock, o.Remaining(), "round %d: a new office holds its whole stock", round)

		var bad problems
		var sellersLeft atomic.Int32
		sellersLeft.Store(sellers)
		harness.Together(sellers+readers, func(i int) {
			if i < sellers {
				defer sellersLeft.Add(-1)
				for range stock + 1 {
					ticket, ok := o.Sell(i + 1)
					if !ok {
						// Sold out: keep knocking for a while, with the
						// readers still looking. A failed Sell must leave
						// the office as it is, even for a moment.
						for range soldOutTries {
							if ticket, ok := o.Sell(i + 1); ok || ticket != 0 {
								bad.add("round %d: Sell on a sold-out office returned (%d, %v); want (0, false)",
									round, ticket, ok)
							}
							runtime.Gosched()
						}
						return
					}
					runtime.Gosched() // let other windows sell before we look
					// Ticket n is the n-th sale, so at most stock-n remain.
					if r := o.Remaining(); r < 0 || r > stock-ticket {
						bad.add("round %d: after ticket %d was sold, Remaining() = %d; want between 0 and %d",
							round, ticket, r, stock-ticket)
					}
					runtime.Gosched()
				}
				return
			}
			last := stock
			for range 40_000 {
				if sellersLeft.Load() == 0 {
					return
				}
				r := o.Remaining()
				if r < 0 || r > stock {
					bad.add("round %d: Remaining() = %d while selling a stock of %d; want between 0 and %d",
						round, r, stock, stock)
				}
				if r > last {
					bad.add("round %d: Remaining() went up from %d to %d; tickets are never returned", round, last, r)
				}
				last = r
				runtime.Gosched()
			}
		})
		bad.requireNone(t)
		require.Equalf(t, 0, o.Remaining(),
			"round %d: every window sold until Sell said sold out, so Remaining must be exactly 0 (not negative)", round)
		_, ok := o.Sell(1)
		require.Falsef(t, ok, "round %d: sold-out office: Sell must report ok == false", round)
		require.Equalf(t, 0, o.Remaining(), "round %d: sold-out office: a failed Sell must not change Remaining", round)
	}

	// Last, a sold-out office under siege: windows keep calling Sell, which
	// must fail without touching the stock, while readers look at it
	// nonstop, on several threads (GOMAXPROCS is set here, so the test does
	// not depend on the machine's core count).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	o := tickets.NewOffice(1)
	o.Sell(1)
	var bad problems
	var knocking atomic.Int32
	knocking.Store(sellers)
	harness.Together(sellers+readers, func(i int) {
		if i < sellers {
			defer knocking.Add(-1)
			for range siegeTries {
				if ticket, ok := o.Sell(i + 1); ok || ticket != 0 {
					bad.add("Sell on a sold-out office returned (%d, %v); want (0, false)", ticket, ok)
					return
				}
			}
			return
		}
		for knocking.Load() > 0 {
			if r := o.Remaining(); r != 0 {
				bad.add("Remaining() = %d on a sold-out office while windows kept trying to sell: a failed Sell "+
					"must leave the stock alone, even for a moment (check before you take, in one critical section)", r)
				return
			}
		}
	})
	bad.requireNone(t)
}

// TestSellAllAccountsForEveryTicket: SellAll with many windows sells every
// ticket once, records each under the window that sold it in selling order,
// and calls print exactly once per ticket with the same window. With a nil
// print it sells every ticket and prints nothing.
func TestSellAllAccountsForEveryTicket(t *testing.T) {
	harness.Setup(t)
	const rounds, windows, stock = 20, 8, 300
	for round := 1; round <= rounds; round++ {
		what := fmt.Sprintf("round %d, SellAll(%d windows) on a stock of %d", round, windows, stock)
		o := tickets.NewOffice(stock)
		// One slot per ticket, so that recording a print adds no
		// synchronisation between the windows (which could hide a data race
		// in the office from the race detector).
		printedBy := make([]atomic.Int32, stock+1) // ticket -> window passed to print
		var printedTwice, printedBad atomic.Int32
		got := o.SellAll(windows, func(window, ticket int) {
			if ticket < 1 || ticket > stock {
				printedBad.Add(1)
				return
			}
			if !printedBy[ticket].CompareAndSwap(0, int32(window)) {
				printedTwice.Add(1)
			}
			runtime.Gosched() // let the other windows in between two sales
		})

		require.NotNilf(t, got, "%s: SellAll returned a nil map", what)
		for w, list := range got {
			require.Truef(t, w >= 1 && w <= windows,
				"%s: result has window %d; windows are numbered 1..%d", what, w, windows)
			require.Truef(t, slices.IsSorted(list) && len(slices.Compact(slices.Clone(list))) == len(list),
				"%s: window %d's tickets %v are not in the order it sold them (each window's tickets must increase)",
				what, w, list)
		}
		checkTickets(t, what, stock, got)

		require.Zerof(t, printedBad.Load(), "%s: print was called with a ticket outside 1..%d", what, stock)
		require.Zerof(t, printedTwice.Load(), "%s: print was called more than once for the same ticket", what)
		for w, list := range got {
			for _, ticket := range list {
				by := int(printedBy[ticket].Load())
				require.NotZerof(t, by, "%s: ticket %d was sold by window %d but never printed; print every ticket sold", what, ticket, w)
				require.Equalf(t, w, by,
					"%s: ticket %d is recorded under window %d but was printed by window %d", what, ticket, w, by)
			}
		}
	}

	const nilStock = 50
	o := tickets.NewOffice(nilStock)
	var got map[int][]int
	require.NotPanicsf(t, func() { got = o.SellAll(windows, nil) },
		"SellAll(%d windows, nil) panicked: a nil print means nothing is printed, so SellAll must not call it", windows)
	checkTickets(t, fmt.Sprintf("SellAll(%d windows, nil print) on a stock of %d", windows, nilStock), nilStock, got)
}

// TestSellAllRunsEveryWindowAtOnce: with as many tickets as windows (40) and
// a print that waits until every window is printing, each window must sell
// one ticket and be inside print at the same time as all the others. SellAll
// run one window after another, printing one window at a time (under the
// office's lock or a lock of its own), or a pool of fewer goroutines than
// windows cannot do that.
func TestSellAllRunsEveryWindowAtOnce(t *testing.T) {
	harness.Setup(t)
	const windows = 40 // past any plausible cap on goroutines (NumCPU, 8, 32)
	o := tickets.NewOffice(windows)

	var (
		mu        sync.Mutex
		inside    int // windows inside print right now
		arrived   int // calls to print so far
		printedBy = make(map[int][]int)
		timedOut  bool
		insideAt  int // windows inside print when the wait gave up
	)
	allIn := make(chan struct{})  // closed when every window is in print
	giveUp := make(chan struct{}) // closed after a wait timed out: stop waiting
	print := func(window, ticket int) {
		mu.Lock()
		printedBy[window] = append(printedBy[window], ticket)
		inside++
		arrived++
		if arrived == windows {
			close(allIn)
		}
		mu.Unlock()

		select {
		case <-allIn:
		case <-giveUp:
		case <-time.After(waitLimit):
			mu.Lock()
			if !timedOut {
				timedOut, insideAt = true, inside
				close(giveUp)
			}
			mu.Unlock()
		}

		mu.Lock()
		inside--
		mu.Unlock()
	}
	got := o.SellAll(windows, print)

	mu.Lock()
	defer mu.Unlock()
	require.Falsef(t, timedOut,
		"after waiting %v only %d of %d windows were inside print together; each window needs its own "+
			"goroutine, and print must run after the office's lock is released", waitLimit, insideAt, windows)
	for w := 1; w <= windows; w++ {
		require.Lenf(t, got[w], 1,
			"with %d tickets and %d windows that all print at once, window %d must sell exactly one ticket; result %v",
			windows, windows, w, got)
		require.Equalf(t, got[w], printedBy[w], "window %d: the tickets it printed and the ones SellAll reports differ", w)
	}
	require.Lenf(t, got, windows, "SellAll must report exactly the windows 1..%d; got %v", windows, got)
	checkTickets(t, "SellAll with every window printing at once", windows, got)
}

// TestPrintRunsOutsideTheLock: while window 1 is stuck in print, a sale at
// another window must go through. If print ran with the office's lock held,
// that sale would wait for print, and print waits for the sale.
func TestPrintRunsOutsideTheLock(t *testing.T) {
	harness.Setup(t)
	o := tickets.NewOffice(3)

	var calls atomic.Int32
	var timedOut atomic.Bool
	inPrint := make(chan struct{})  // closed when window 1 starts printing its first ticket
	sideDone := make(chan struct{}) // closed when the sale at window 2 returned
	print := func(window, ticket int) {
		if calls.Add(1) != 1 {
			return
		}
		close(inPrint)
		select {
		case <-sideDone:
		case <-time.After(waitLimit):
			timedOut.Store(true) // give up and return, so the office can go on
		}
	}

	done := make(chan map[int][]int, 1)
	go func() { done <- o.SellAll(1, print) }()
	select {
	case <-inPrint:
	case got := <-done:
		require.FailNowf(t, "print never called",
			"SellAll(1, print) on a stock of 3 returned %v without calling print; print must be called for every ticket sold", got)
	case <-time.After(waitLimit):
		require.FailNowf(t, "SellAll stuck",
			"SellAll(1, print) on a stock of 3 neither called print nor returned within %v", waitLimit)
	}

	var sideTicket int
	var sideOK bool
	go func() {
		defer close(sideDone)
		sideTicket, sideOK = o.Sell(2)
	}()
	<-done
	<-sideDone

	require.Falsef(t, timedOut.Load(),
		"while window 1 was inside print, a Sell at window 2 did not finish within %v: "+
			"print (the slow part) must be called after the office's lock is released", waitLimit)
	require.Truef(t, sideOK, "window 2 sold while window 1 was printing ticket 1 of 3, so its sale must succeed")
	assert.Equal(t, 2, sideTicket, "window 1 holds ticket 1, so window 2's sale must get ticket 2")
}

// requireWindowsPrintTogether checks, on the real scheduler, that two windows
// can be inside print at the same time. The synctest test below needs it: a
// window waiting for a lock that another window holds while it prints is not
// blocked in synctest's sense, and synctest.Wait would wait for it in vain
// until the time limit.
func requireWindowsPrintTogether(t *testing.T) {
	t.Helper()
	o := tickets.NewOffice(2)
	var arrived atomic.Int32
	var timedOut atomic.Bool
	both := make(chan struct{})
	o.SellAll(2, func(window, ticket int) {
		if arrived.Add(1) == 2 {
			close(both)
		}
		select {
		case <-both:
		case <-time.After(waitLimit):
			timedOut.Store(true) // give up, so that the office can go on
		}
	})
	require.Falsef(t, timedOut.Load(),
		"SellAll(2 windows) on a stock of 2: a window waited %v inside print for the other window to print too; "+
			"the windows must sell and print at the same time, each in its own goroutine, with no lock held "+
			"around print", waitLimit)
}

// TestSellAllWaitsForEveryWindow: SellAll returns only after every window has
// stopped. In a synctest bubble, window 1's first print is held on a channel
// the test controls; the other windows sell the rest and stop. Then an hour
// of fake time passes: SellAll must still be waiting (no amount of sleeping
// can stand in for waiting for the windows). Once print is let go, SellAll
// returns every ticket, window 1's included.
func TestSellAllWaitsForEveryWindow(t *testing.T) {
	harness.Setup(t)
	requireWindowsPrintTogether(t)
	harness.Bubble(t, func(t *testing.T) {
		const windows, stock = 3, 12
		o := tickets.NewOffice(stock)
		release := make(chan struct{})
		var held atomic.Int32 // window that holds its print, 0 while none does
		print := func(window, ticket int) {
			if held.CompareAndSwap(0, int32(window)) {
				<-release
			}
		}
		done := make(chan map[int][]int, 1)
		go func() { done <- o.SellAll(windows, print) }()
		t.Cleanup(func() {
			select {
			case <-release:
			default:
				close(release)
			}
		})

		synctest.Wait() // one window is held in print, the others have sold the rest
		select {
		case got := <-done:
			require.FailNowf(t, "SellAll did not wait for its windows",
				"SellAll returned %v while window %d was still inside print: it must wait until every window "+
					"has stopped (wg.Wait), not return as soon as the tickets are gone", got, held.Load())
		default:
		}
		require.NotZero(t, held.Load(), "no window ever called print, although there were %d tickets to sell", stock)
		require.Equal(t, 0, o.Remaining(), "while one window is held in print, the others must sell every other ticket")

		time.Sleep(time.Hour) // fake time: only a SellAll that sleeps instead of waiting wakes up
		select {
		case got := <-done:
			require.FailNowf(t, "SellAll did not wait for its windows",
				"SellAll returned %v after an hour (of fake time) while window %d was still inside print: it slept "+
					"instead of waiting; wait for the windows (wg.Wait), however long they take", got, held.Load())
		default:
		}

		close(release)
		got := <-done
		checkTickets(t, fmt.Sprintf("SellAll(%d windows) on a stock of %d", windows, stock), stock, got)
		require.NotEmptyf(t, got[int(held.Load())],
			"window %d sold a ticket (it was printing it), but SellAll's result has no ticket for it", held.Load())
	})
}
