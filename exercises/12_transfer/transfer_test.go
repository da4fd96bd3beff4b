package transfer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transfer "github.com/concurrency-kit/kit/exercises/12_transfer"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// newAccount creates an account and makes sure NewAccount returned one.
func newAccount(t *testing.T, id int, balance int64) *transfer.Account {
	t.Helper()
	a := transfer.NewAccount(id, balance)
	require.NotNil(t, a, "NewAccount(%d, %d) returned nil", id, balance)
	return a
}

// within runs f in a new goroutine and fails the test if f has not returned
// after limit. A deadlocked Transfer never returns, so waiting for it without
// a limit would hang the test. The stuck goroutine cannot be freed: the leak
// check reports it as well.
func within(t *testing.T, limit time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.Fatalf("%s did not finish within %v: it is most likely deadlocked "+
			"(a goroutine waits for a lock that it, or another goroutine waiting on it, holds)", what, limit)
	}
}

// TestNewAccount checks that an account reports the id and opening balance it
// was created with.
func TestNewAccount(t *testing.T) {
	harness.Setup(t)
	for _, tc := range []struct {
		id      int
		balance int64
	}{{1, 100}, {42, 0}, {7, 1_000_000}} {
		a := newAccount(t, tc.id, tc.balance)
		assert.Equal(t, tc.id, a.ID(), "NewAccount(%d, %d).ID()", tc.id, tc.balance)
		assert.Equal(t, tc.balance, a.Balance(), "NewAccount(%d, %d).Balance()", tc.id, tc.balance)
	}
}

// TestTransferMovesMoney checks single transfers, one at a time: the amount
// leaves from and arrives in to, and Transfer returns nil.
func TestTransferMovesMoney(t *testing.T) {
	harness.Setup(t)
	for _, tc := range []struct {
		name               string
		fromID, toID       int
		fromStart, toStart int64
		amount             int64
		wantFrom, wantTo   int64
	}{
		{"part of the balance", 1, 2, 100, 50, 30, 70, 80},
		{"the whole balance", 1, 2, 100, 0, 100, 0, 100},
		{"one unit into an empty account", 3, 4, 25, 0, 1, 24, 1},
		{"from has the higher id", 9, 5, 60, 10, 60, 0, 70},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := newAccount(t, tc.fromID, tc.fromStart)
			to := newAccount(t, tc.toID, tc.toStart)
			err := transfer.Transfer(from, to, tc.amount)
			require.NoError(t, err, "Transfer of %d from a balance of %d must succeed", tc.amount, tc.fromStart)
			assert.Equal(t, tc.wantFrom, from.Balance(), "balance of from after the transfer")
			assert.Equal(t, tc.wantTo, to.Balance(), "balance of to after the transfer")
		})
	}
}

// TestTransferRejectsInvalidAmount checks that a zero or negative amount is
// refused with ErrInvalidAmount and moves nothing (a negative amount must not
// pull money the other way).
func TestTransferRejectsInvalidAmount(t *testing.T) {
	harness.Setup(t)
	for _, amount := range []int64{0, -1, -50} {
		t.Run(fmt.Sprint(amount), func(t *testing.T) {
			from, to := newAccount(t, 1, 100), newAccount(t, 2, 100)
			err := transfer.Transfer(from, to, amount)
			require.ErrorIs(t, err, transfer.ErrInvalidAmount, "Transfer of %d must be refused", amount)
			assert.Equal(t, int64(100), from.Balance(), "a refused transfer must not change from")
			assert.Equal(t, int64(100), to.Balance(), "a refused transfer must not change to")

			// The amount is checked first, before the accounts.
			within(t, 2*time.Second, fmt.Sprintf("Transfer(a, a, %d)", amount), func() { err = transfer.Transfer(from, from, amount) })
			require.ErrorIsf(t, err, transfer.ErrInvalidAmount, "Transfer(a, a, %d): the amount is checked first, "+
				"so a bad amount gives ErrInvalidAmount even to the same account (see the order in Transfer's doc comment)", amount)
		})
	}
}

// TestTransferInsufficientFunds checks that taking more than the balance is
// refused with ErrInsufficientFunds and changes neither account.
func TestTransferInsufficientFunds(t *testing.T) {
	harness.Setup(t)
	for _, tc := range []struct {
		name    string
		balance int64
		amount  int64
	}{
		{"one more than the balance", 100, 101},
		{"far more than the balance", 10, 1_000},
		{"from an empty account", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := newAccount(t, 1, tc.balance), newAccount(t, 2, 5)
			err := transfer.Transfer(from, to, tc.amount)
			require.ErrorIs(t, err, transfer.ErrInsufficientFunds,
				"Transfer of %d from a balance of %d must be refused", tc.amount, tc.balance)
			assert.Equal(t, tc.balance, from.Balance(), "a refused transfer must not change from")
			assert.Equal(t, int64(5), to.Balance(), "a refused transfer must not change to")
		})
	}
}

// TestTransferToSelf checks that Transfer(a, a, x) returns ErrSameAccount at
// once and leaves a unlocked and unchanged. Go's mutexes are not re-entrant:
// locking a.mu twice blocks forever.
func TestTransferToSelf(t *testing.T) {
	harness.Setup(t)
	a, b := newAccount(t, 1, 100), newAccount(t, 2, 0)

	var err error
	within(t, 2*time.Second, "Transfer(a, a, 10)", func() { err = transfer.Transfer(a, a, 10) })
	require.ErrorIs(t, err, transfer.ErrSameAccount, "Transfer(a, a, 10) must be refused")

	// The account must not have been left locked.
	var balance int64
	within(t, 2*time.Second, "a.Balance() after Transfer(a, a, 10)", func() { balance = a.Balance() })
	assert.Equal(t, int64(100), balance, "Transfer(a, a, 10) must not change a")
	within(t, 2*time.Second, "Transfer(a, b, 10) after Transfer(a, a, 10)", func() { err = transfer.Transfer(a, b, 10) })
	require.NoError(t, err, "a must still work normally after a refused self-transfer")
	assert.Equal(t, int64(90), a.Balance(), "balance of a after Transfer(a, b, 10)")
}

// TestTwoAccountsWithOneID checks two distinct accounts that were wrongly
// given the same id. Their ids cannot order their locks: "lower id first"
// would lock x then y in Transfer(x, y) and y then x in Transfer(y, x), the
// deadlock of TestOppositeTransfersDoNotDeadlock. Transfer must treat them as
// the same account: ErrSameAccount, nothing locked, nothing changed. Checking
// only from == to (the same pointer) misses this case.
func TestTwoAccountsWithOneID(t *testing.T) {
	harness.Setup(t)
	x, y := newAccount(t, 7, 100), newAccount(t, 7, 100)
	for _, tc := range []struct {
		name     string
		from, to *transfer.Account
	}{{"x, y", x, y}, {"y, x", y, x}} {
		var err error
		within(t, 2*time.Second, fmt.Sprintf("Transfer(%s, 10) between two accounts with id 7", tc.name), func() {
			err = transfer.Transfer(tc.from, tc.to, 10)
		})
		require.ErrorIsf(t, err, transfer.ErrSameAccount,
			"Transfer(%s, 10): x and y are two accounts with the same id 7. Their ids cannot give an order for their locks, "+
				"so Transfer must refuse them as the same account (compare the ids, not only the pointers)", tc.name)
	}
	assert.Equal(t, int64(100), x.Balance(), "a refused transfer must not change x")
	assert.Equal(t, int64(100), y.Balance(), "a refused transfer must not change y")
}

// TestLockOrderBothDirections transfers a->b and then b->a (and the same for
// more pairs) in ONE goroutine, one after another. Nothing can hang here,
// but the grader's lock-order run records which lock each transfer held while
// taking the other: if a->b takes a then b and b->a takes b then a, it reports
// the inversion ("deadlock") although this run was lucky. Two goroutines doing
// the same at the same moment would deadlock. Ids can be any int: d's id is
// 1001 and e's is negative, so an order built from only part of the id (a
// remainder, the low bits) fails too.
func TestLockOrderBothDirections(t *testing.T) {
	harness.Setup(t)
	a, b, c := newAccount(t, 1, 100), newAccount(t, 2, 100), newAccount(t, 3, 100)
	d, e := newAccount(t, 1001, 100), newAccount(t, -1, 100)
	names := map[*transfer.Account]string{a: "a", b: "b", c: "c", d: "d", e: "e"}
	for _, step := range []struct {
		from, to *transfer.Account
		amount   int64
	}{
		{a, b, 10}, {b, a, 10},
		{c, b, 5}, {b, c, 5},
		{a, c, 7}, {c, a, 7},
		{a, d, 3}, {d, a, 3},
		{e, c, 4}, {c, e, 4},
	} {
		err := transfer.Transfer(step.from, step.to, step.amount)
		require.NoError(t, err, "Transfer(%s, %s, %d)", names[step.from], names[step.to], step.amount)
	}
	for acc, name := range names {
		assert.Equal(t, int64(100), acc.Balance(), "balance of %s: every transfer was undone by its reverse", name)
	}
}

// TestOppositeTransfersDoNotDeadlock runs transfers a->b and b->a in several
// goroutines at the same moment. Taking the locks in argument order lets one
// goroutine hold a and wait for b while another holds b and waits for a.
func TestOppositeTransfersDoNotDeadlock(t *testing.T) {
	harness.Setup(t)
	const (
		goroutines = 4 // half a->b, half b->a
		each       = 250
		start      = 1_000
	)
	a, b := newAccount(t, 1, start), newAccount(t, 2, start)
	errs := make([]error, goroutines)
	within(t, 3*time.Second, "concurrent transfers a->b and b->a", func() {
		harness.Together(goroutines, func(i int) {
			from, to, dir := a, b, "a->b"
			if i%2 == 1 {
				from, to, dir = b, a, "b->a"
			}
			for range each {
				if err := transfer.Transfer(from, to, 1); err != nil {
					errs[i] = fmt.Errorf("transfer %s of 1: %w", dir, err)
					return
				}
			}
		})
	})
	for _, err := range errs {
		// The balances never drop below start - goroutines/2*each = 500.
		require.NoError(t, err, "every transfer has enough funds and must succeed")
	}
	assert.Equal(t, int64(start), a.Balance(), "balance of a: as many units went a->b as b->a")
	assert.Equal(t, int64(start), b.Balance(), "balance of b: as many units went a->b as b->a")
}

// TestConcurrentTransfersConserveMoney runs many goroutines that transfer
// random amounts between several accounts in every direction. Every transfer
// that returned nil must have moved exactly its amount, every refused one
// nothing: the final balances follow from the successful transfers alone, the
// total never changes and no balance goes negative.
func TestConcurrentTransfersConserveMoney(t *testing.T) {
	harness.Setup(t)
	const (
		accounts = 5
		start    = 100
		workers  = 8
		rounds   = 10 // each round visits every ordered pair of accounts once
		maxMove  = 40 // amounts are 1..maxMove
		total    = accounts * start
	)
	accs := make([]*transfer.Account, accounts)
	for i := range accs {
		accs[i] = newAccount(t, i+1, start)
	}
	type move struct {
		from, to int
		amount   int64
	}
	var pairs []move
	for i := range accounts {
		for j := range accounts {
			if i != j {
				pairs = append(pairs, move{from: i, to: j})
			}
		}
	}

	done := make([][]move, workers) // successful transfers, per worker
	refused := make([]int, workers) // ErrInsufficientFunds, per worker
	unexpected := make([]error, workers)
	within(t, 5*time.Second, "concurrent transfers between 5 accounts", func() {
		harness.Together(workers, func(w int) {
			rng := rand.New(rand.NewPCG(uint64(w), 12))
			order := append([]move(nil), pairs...)
			for range rounds {
				rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				for _, p := range order {
					p.amount = rng.Int64N(maxMove) + 1
					err := transfer.Transfer(accs[p.from], accs[p.to], p.amount)
					switch {
					case err == nil:
						done[w] = append(done[w], p)
					case errors.Is(err, transfer.ErrInsufficientFunds):
						refused[w]++
					case unexpected[w] == nil:
						unexpected[w] = fmt.Errorf("Transfer(#%d, #%d, %d): %w", p.from+1, p.to+1, p.amount, err)
					}
				}
			}
		})
	})
	for _, err := range unexpected {
		require.NoError(t, err, "a transfer between two different accounts with a positive amount "+
			"may only succeed or fail with ErrInsufficientFunds")
	}

	want := make([]int64, accounts)
	for i := range want {
		want[i] = start
	}
	succeeded := 0
	for _, moves := range done {
		succeeded += len(moves)
		for _, m := range moves {
			want[m.from] -= m.amount
			want[m.to] += m.amount
		}
	}
	nRefused := 0
	for _, n := range refused {
		nRefused += n
	}
	t.Logf("%d transfers succeeded, %d were refused for insufficient funds", succeeded, nRefused)
	require.Positive(t, succeeded, "some transfers must succeed (the first one always has the funds)")

	var sum int64
	for i, a := range accs {
		got := a.Balance()
		sum += got
		assert.GreaterOrEqual(t, got, int64(0), "balance of account #%d went negative", i+1)
		assert.Equal(t, want[i], got, "balance of account #%d: the %d successful transfers say %d; "+
			"money was lost or created (a refused transfer changed something, or two updates overwrote each other)",
			i+1, succeeded, want[i])
	}
	assert.Equal(t, int64(total), sum, "total money in the bank must never change")
}

// TestBalanceWhileTransferring reads balances while another goroutine
// transfers between the same accounts. Balance must take the account's lock:
// reading the balance without it is a data race (the race run reports it).
func TestBalanceWhileTransferring(t *testing.T) {
	harness.Setup(t)
	const (
		start = 1_000
		moves = 200
	)
	a, b := newAccount(t, 1, start), newAccount(t, 2, 0)
	var transferErr error
	var badRead string
	within(t, 3*time.Second, "transfers a->b with concurrent Balance calls", func() {
		harness.Together(2, func(i int) {
			if i == 0 {
				for range moves {
					if err := transfer.Transfer(a, b, 1); err != nil {
						transferErr = err
						return
					}
				}
				return
			}
			for range moves {
				ra, rb := a.Balance(), b.Balance()
				if badRead == "" && (ra < start-moves || ra > start || rb < 0 || rb > moves) {
					badRead = fmt.Sprintf("a.Balance() = %d, b.Balance() = %d", ra, rb)
				}
			}
		})
	})
	require.NoError(t, transferErr, "Transfer(a, b, 1) with enough funds must succeed")
	assert.Empty(t, badRead, "a balance read during the transfers was outside anything the transfers could produce")
	assert.Equal(t, int64(start-moves), a.Balance(), "balance of a after %d transfers of 1", moves)
	assert.Equal(t, int64(moves), b.Balance(), "balance of b after %d transfers of 1", moves)
}

// transferWaits returns how many times, since the program started, a
// goroutine waited (for a mutex, a channel, ...) inside Transfer, according to the
// runtime's block profile (the caller turns it on). Waits inside the grader's
// lock-order checker are left out: it has a global lock of its own.
func transferWaits() int64 {
	n, _ := runtime.BlockProfile(nil)
	records := make([]runtime.BlockProfileRecord, n+50)
	n, ok := runtime.BlockProfile(records)
	for !ok {
		records = make([]runtime.BlockProfileRecord, 2*len(records))
		n, ok = runtime.BlockProfile(records)
	}
	var waits int64
	for _, r := range records[:n] {
		inTransfer, inChecker := false, false
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			switch {
			case strings.HasSuffix(f.Function, "12_transfer.Transfer"):
				inTransfer = true
			case strings.Contains(f.Function, "go-deadlock.(*lockOrder)"),
				strings.Contains(f.Function, "go-deadlock.(*deadlockWatcher)"):
				// go-deadlock's own bookkeeping, under its one global lock
				// (the grader's lock-order run): not a wait of Transfer's.
				inChecker = true
			}
			if !more {
				break
			}
		}
		if inTransfer && !inChecker {
			waits += r.Count
		}
	}
	return waits
}

// TestDisjointTransfersDoNotWait checks that transfers between different
// pairs of accounts run in parallel. Eight goroutines each move money back
// and forth within their own pair of accounts, which nobody else touches.
// With one lock per account, no Transfer ever has to wait for a lock: its two
// accounts are always free. With one bank-wide lock, the transfers of the
// other pairs hold it now and then, and the runtime's block profile records
// the waits. (This test sets GOMAXPROCS to 2 while it runs, whatever the
// machine, and repeats up to 12 rounds; waits in two rounds fail it.)
func TestDisjointTransfersDoNotWait(t *testing.T) {
	harness.Setup(t)
	const (
		pairs = 8
		moves = 2000
	)
	rounds := harness.Rounds(12)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	runtime.SetBlockProfileRate(1)
	defer runtime.SetBlockProfileRate(0)

	// A lock shared by the pairs makes them wait in most rounds. A wait
	// can also be seen, very rarely, in a round of a correct Transfer (one
	// in some hundreds of rounds on a loaded machine), so it takes waits in
	// two rounds to fail.
	var waits int64
	waitingRounds := 0
	for round := 0; round < rounds && waitingRounds < 2; round++ {
		before := transferWaits()
		accs := make([]*transfer.Account, 2*pairs)
		for i := range accs {
			accs[i] = newAccount(t, i+1, 100)
		}
		errs := make([]error, pairs)
		within(t, 5*time.Second, "transfers within 8 separate pairs of accounts", func() {
			harness.Together(pairs, func(p int) {
				a, b := accs[2*p], accs[2*p+1]
				for i := range moves {
					from, to := a, b
					if i%2 == 1 {
						from, to = b, a
					}
					if err := transfer.Transfer(from, to, 1+int64(p)); err != nil {
						errs[p] = fmt.Errorf("Transfer(#%d, #%d, %d): %w", from.ID(), to.ID(), 1+p, err)
						return
					}
				}
			})
		})
		for _, err := range errs {
			require.NoError(t, err, "every transfer has enough funds and must succeed")
		}
		if w := transferWaits() - before; w > 0 {
			waits += w
			waitingRounds++
		}
		for i, a := range accs {
			require.Equalf(t, int64(100), a.Balance(), "balance of account #%d after an even number of transfers back and forth", i+1)
		}
	}
	require.Lessf(t, waitingRounds, 2,
		"Transfer waited %d times (for a lock or a channel) in %d rounds, while each pair of accounts was used by one goroutine only "+
			"and nothing else touched them: the transfers of different pairs wait for each other. Lock only the two "+
			"accounts of the transfer (their own mutexes), not one lock shared by the whole bank", waits, waitingRounds)
}

// TestMoneyNeverInFlight watches two accounts while money moves from a to b
// (GOMAXPROCS set to 4, several rounds). A transfer is one atomic step, so
// at every instant a and b together hold the same total. Reading a and then
// b can therefore only see that total or more (b only grows), and reading b
// and then a only that total or less (a only shrinks). A Transfer that takes
// the money out of a under a's lock, lets go, and only then puts it into b
// under b's lock never deadlocks, but for a moment the money is in neither
// account, and a reader sees less than the total. The check is only on the
// readers' side: a correct Transfer can never fail it.
func TestMoneyNeverInFlight(t *testing.T) {
	harness.Setup(t)
	const (
		moves = 2000
		start = moves
		total = 2 * start
	)
	rounds := harness.Rounds(20)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var problem atomic.Pointer[string]
	report := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problem.CompareAndSwap(nil, &msg)
	}
	for round := 0; round < rounds && problem.Load() == nil; round++ {
		a, b := newAccount(t, 1, start), newAccount(t, 2, start)
		var moving atomic.Bool
		moving.Store(true)
		var transferErr error
		within(t, 5*time.Second, "transfers a->b with readers of both balances", func() {
			harness.Together(4, func(g int) {
				switch g {
				case 0:
					defer moving.Store(false)
					for range moves {
						if err := transfer.Transfer(a, b, 1); err != nil {
							transferErr = err
							return
						}
					}
				case 1:
					for moving.Load() {
						ra := a.Balance()
						rb := b.Balance()
						if ra+rb < total {
							report("a.Balance() = %d, then b.Balance() = %d: together %d, less than the %d they always hold", ra, rb, ra+rb, total)
							return
						}
					}
				case 2:
					for moving.Load() {
						rb := b.Balance()
						ra := a.Balance()
						if ra+rb > total {
							report("b.Balance() = %d, then a.Balance() = %d: together %d, more than the %d they always hold", rb, ra, ra+rb, total)
							return
						}
					}
				case 3: // keeps b's lock busy, so that a Transfer sometimes has to wait for it
					for moving.Load() {
						b.Balance()
					}
				}
			})
		})
		require.NoError(t, transferErr, "Transfer(a, b, 1) with enough funds must succeed")
		require.Equal(t, int64(0), a.Balance(), "balance of a after %d transfers of 1 out of %d", moves, start)
		require.Equal(t, int64(total), b.Balance(), "balance of b after %d transfers of 1 in", moves)
	}
	if msg := problem.Load(); msg != nil {
		require.Fail(t, "money was seen in flight", "%s. The money was in neither account (or in both) for a moment: "+
			"Transfer must hold both accounts' locks from the check to the last change, not change one account, "+
			"unlock it and then lock the other", *msg)
	}
}

// TestNoOverdraftUnderContention empties small accounts from several
// goroutines at once (GOMAXPROCS set to 4, many rounds), while another
// goroutine keeps reading the balance. Only one transfer can take the last
// unit: the check "enough funds?" and the debit must happen under the same
// lock, with no gap in between, or two transfers both see enough money and
// both take it. No balance may ever be seen below zero, and every unit must
// arrive exactly once.
func TestNoOverdraftUnderContention(t *testing.T) {
	harness.Setup(t)
	const (
		start   = 12
		takers  = 4
		perMove = 3
	)
	rounds := harness.Rounds(150)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var problem atomic.Pointer[string]
	report := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problem.CompareAndSwap(nil, &msg)
	}
	within(t, 5*time.Second, "transfers out of small accounts from several goroutines", func() {
		for round := 0; round < rounds && problem.Load() == nil; round++ {
			src := transfer.NewAccount(1, start)
			dst := make([]*transfer.Account, takers)
			for i := range dst {
				dst[i] = transfer.NewAccount(2+i, 0)
			}
			var wg sync.WaitGroup
			var emptied atomic.Bool
			wg.Go(func() {
				for !emptied.Load() {
					if b := src.Balance(); b < 0 {
						report("round %d: src.Balance() = %d during the transfers", round, b)
						return
					}
				}
			})
			harness.Together(takers, func(i int) {
				for {
					err := transfer.Transfer(src, dst[i], perMove)
					if errors.Is(err, transfer.ErrInsufficientFunds) {
						return
					}
					if err != nil {
						report("round %d: Transfer(src, #%d, %d): %v", round, i+2, perMove, err)
						return
					}
				}
			})
			emptied.Store(true)
			wg.Wait()
			var sum int64
			for _, d := range dst {
				sum += d.Balance()
			}
			if b := src.Balance(); b != 0 || sum != start {
				report("round %d: %d goroutines each took %d from an account of %d until it said ErrInsufficientFunds; "+
					"at the end the account holds %d (want 0) and the others hold %d together (want %d)",
					round, takers, perMove, start, b, sum, start)
			}
		}
	})
	if msg := problem.Load(); msg != nil {
		require.Fail(t, "an account was overdrawn", "%s. Two transfers both saw enough money and both took it: "+
			"check the balance and change it while holding both locks, with no unlock in between", *msg)
	}
}

// lockOf returns the lock of account a: its field mu (README: keep the field
// mu sync.Mutex in Account), reached through reflection, so that a test can
// hold an account busy for as long as it likes.
func lockOf(t *testing.T, a *transfer.Account) sync.Locker {
	t.Helper()
	f := reflect.ValueOf(a).Elem().FieldByName("mu")
	require.Truef(t, f.IsValid(), "Account has no field mu: keep the field mu sync.Mutex that guards the balance (see the README)")
	l, ok := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Interface().(sync.Locker)
	require.Truef(t, ok, "Account's field mu is a %v, not a mutex: keep mu sync.Mutex (see the README)", f.Type())
	return l
}

// goroutineState returns the state of goroutine id in a stack dump of every
// goroutine ("running", "sync.Mutex.Lock", "sleep", ...), or "" if it has
// ended.
func goroutineState(id uint64) string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	header := fmt.Sprintf("goroutine %d [", id)
	for _, g := range strings.Split(string(buf), "\n\n") {
		if rest, ok := strings.CutPrefix(g, header); ok {
			st, _, _ := strings.Cut(rest, "]")
			st, _, _ = strings.Cut(st, ",") // "sync.Mutex.Lock, 2 minutes"
			return st
		}
	}
	return ""
}

// TestWaitingTransferSleeps holds account b busy (it locks b's mu, reached
// through reflection) while Transfer(a, b, 10), and then Transfer(b, a, 10),
// runs in another goroutine. The Transfer must wait, and wait asleep: in
// Lock, or in the pause of a back-off between tries, so that it is seen
// asleep in a stack dump several times in a row. A loop that retries
// TryLock without pausing never sleeps: it burns a processor while it
// waits, and two such loops in opposite directions can keep making each
// other fail (a livelock). Once b is free, the Transfer goes through.
func TestWaitingTransferSleeps(t *testing.T) {
	harness.Setup(t)
	for _, dir := range []string{"a, b", "b, a"} {
		a, b := newAccount(t, 1, 100), newAccount(t, 2, 100)
		from, to := a, b
		if dir == "b, a" {
			from, to = b, a
		}
		what := fmt.Sprintf("Transfer(%s, 10) while b is locked", dir)
		busy := lockOf(t, b)
		busy.Lock()
		var unlockOnce sync.Once
		unlock := func() { unlockOnce.Do(busy.Unlock) }
		defer unlock()

		ids := make(chan uint64, 1)
		done := make(chan error, 1)
		go func() {
			ids <- harness.GoroutineID()
			done <- transfer.Transfer(from, to, 10)
		}()
		id := <-ids
		deadline := time.Now().Add(2 * time.Second)
		for seen := 0; seen < 5; {
			var st string
			select {
			case err := <-done:
				require.FailNowf(t, "Transfer did not wait", "%s returned %v at once: it must wait until b is free (a Transfer holds the locks of both its "+
					"accounts, their own mu)", what, err)
			default:
				st = goroutineState(id)
			}
			switch {
			case strings.HasPrefix(st, "sync.Mutex.Lock"), strings.HasPrefix(st, "sync.RWMutex.Lock"),
				strings.HasPrefix(st, "semacquire"), strings.HasPrefix(st, "sleep"), strings.HasPrefix(st, "select"),
				strings.HasPrefix(st, "sync.Cond.Wait"), strings.HasPrefix(st, "chan receive"):
				seen++
			default:
				seen = 0
			}
			if time.Now().After(deadline) {
				unlock()
				require.FailNowf(t, "Transfer spins", "%s kept running for 2s instead of going to sleep (state %q): it "+
					"retries in a loop without pausing, and burns a processor while it waits. Wait with Lock (in one "+
					"fixed order), or pause between tries (unlock, time.Sleep a little, try again)", what, st)
			}
			time.Sleep(200 * time.Microsecond) // poll interval, not a guess about timing
		}
		unlock()
		var err error
		within(t, 2*time.Second, what+", once b was unlocked", func() { err = <-done })
		require.NoError(t, err, what)
		assert.Equal(t, int64(90), from.Balance(), "%s: balance of the account the money came from", what)
		assert.Equal(t, int64(110), to.Balance(), "%s: balance of the account the money went to", what)
	}
}
