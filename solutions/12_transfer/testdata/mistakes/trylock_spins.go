// Package transfer moves money between bank accounts that each have their
// own lock, without ever deadlocking.
package transfer

// Mistake: Transfer takes both locks with TryLock in a loop that never pauses: a waiting Transfer burns a processor, and opposite transfers can livelock
// Fails: TestWaitingTransferSleeps:fail

import (
	"errors"
	"sync"
)

// Errors returned by Transfer. Callers compare with errors.Is, so you may wrap
// them, but Transfer must return (a wrap of) exactly one of these when it
// refuses a transfer.
var (
	// ErrInvalidAmount: the amount is zero or negative.
	ErrInvalidAmount = errors.New("transfer: amount must be positive")
	// ErrSameAccount: from and to are the same account.
	ErrSameAccount = errors.New("transfer: from and to are the same account")
	// ErrInsufficientFunds: from holds less than the amount.
	ErrInsufficientFunds = errors.New("transfer: insufficient funds")
)

// Account is a bank account with an id and a balance. It is safe for use by
// many goroutines at once.
//
// An Account must not be copied after creation (copying would copy the lock).
type Account struct {
	// id never changes after NewAccount, so reading it needs no lock. It is
	// also the account's rank in the global lock order.
	id int

	mu      sync.Mutex
	balance int64 // guarded by mu
}

// NewAccount returns an account with the given id and opening balance
// (zero or more). Every account must get its own id.
func NewAccount(id int, balance int64) *Account {
	return &Account{id: id, balance: balance}
}

// ID returns the account's id.
func (a *Account) ID() int {
	return a.id
}

// Balance returns the account's current balance.
func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Transfer moves amount from from to to as one atomic step. It returns
// ErrInvalidAmount, ErrSameAccount or ErrInsufficientFunds (checked in that
// order) and changes nothing when it refuses.
func Transfer(from, to *Account, amount int64) error {
	if amount <= 0 {
		return ErrInvalidAmount
	}
	// Go's mutexes are not re-entrant: locking from.mu and then to.mu when
	// they are the same mutex would block forever. Refuse before locking.
	// Comparing ids also covers two accounts wrongly given the same id, for
	// which the lock order below would be ambiguous.
	if from == to || from.id == to.id {
		return ErrSameAccount
	}

	for {
		if from.mu.TryLock() {
			if to.mu.TryLock() {
				break
			}
			from.mu.Unlock()
		}
	}
	defer from.mu.Unlock()
	defer to.mu.Unlock()

	// The check and the move happen under both locks: nobody can spend the
	// money between the check and the debit, and nobody can see it in flight.
	if from.balance < amount {
		return ErrInsufficientFunds
	}
	from.balance -= amount
	to.balance += amount
	return nil
}

// inLockOrder returns two different accounts in the one order in which every
// goroutine takes their locks: lower id first.
//
// A deadlock needs a cycle: one goroutine holds a's lock and waits for b's
// while another holds b's and waits for a's. Locking "from, then to" builds
// that cycle as soon as Transfer(a, b) and Transfer(b, a) run together. When
// every goroutine takes the lower id first, all of them climb the same ladder:
// no one can hold a higher rung while waiting for a lower one, so no cycle can
// form, whatever the direction of the transfers.
func inLockOrder(a, b *Account) (first, second *Account) {
	if a.id < b.id {
		return a, b
	}
	return b, a
}
