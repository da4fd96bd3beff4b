package transfer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

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

// TestLockOrderBothDirections transfers a->b and then b->a (and the same for
// two more pairs) in ONE goroutine, one after another. Nothing can hang here,
// but the grader's lock-order run records which lock each transfer held while
// taking the other: if a->b takes a then b and b->a takes b then a, it reports
// the inversion ("deadlock") although this run was lucky. Two goroutines doing
// the same at the same moment would deadlock.
func TestLockOrderBothDirections(t *testing.T) {
	harness.Setup(t)
	a, b, c := newAccount(t, 1, 100), newAccount(t, 2, 100), newAccount(t, 3, 100)
	names := map[*transfer.Account]string{a: "a", b: "b", c: "c"}
	for _, step := range []struct {
		from, to *transfer.Account
		amount   int64
	}{
		{a, b, 10}, {b, a, 10},
		{c, b, 5}, {b, c, 5},
		{a, c, 7}, {c, a, 7},
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
