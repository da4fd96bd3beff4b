// Package transfer moves money between bank accounts that each have their
// own lock, without ever deadlocking.
package transfer

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

// errNotImplemented is what the unfinished stub returns. Delete it when done.
var errNotImplemented = errors.New("transfer: not implemented")

// Account is a bank account with an id and a balance. It is safe for use by
// many goroutines at once. Its balance is guarded by its own mutex, mu: every
// read or change of the balance happens while holding mu. (The grader's
// lock-order run swaps every sync.Mutex for one that checks the order in which
// locks are taken.)
//
// An Account must not be copied after creation (copying would copy the lock).
type Account struct {
	//lint:ignore U1000 the stub leaves mu for the student's code to use.
	mu sync.Mutex
	// TODO: add the fields you need.
}

// NewAccount returns an account with the given id and opening balance
// (zero or more). Every account must get its own id: ids tell accounts apart,
// and they give you an order in which to take locks.
func NewAccount(id int, balance int64) *Account {
	// TODO
	return &Account{}
}

// ID returns the account's id. The id never changes after NewAccount.
func (a *Account) ID() int {
	// TODO
	return 0
}

// Balance returns the account's current balance. It may be called while
// transfers are running in other goroutines, so it must take the account's
// lock. It never blocks for longer than a transfer takes.
func (a *Account) Balance() int64 {
	// TODO
	return 0
}

// Transfer moves amount from from to to, as one atomic step: it holds the
// locks of both accounts for the whole check-and-move, so no goroutine can
// ever see the money in neither or in both accounts.
//
// Transfer checks, in this order, and changes nothing when a check fails:
//   - amount <= 0: returns ErrInvalidAmount;
//   - from and to are the same account (or have the same id): returns
//     ErrSameAccount, without locking anything twice and without hanging;
//   - from's balance is less than amount: returns ErrInsufficientFunds.
//
// Otherwise it subtracts amount from from, adds it to to and returns nil.
// Emptying an account exactly (amount == balance) is allowed.
//
// Transfer is called from many goroutines at once, in all directions:
// Transfer(a, b, x) in one goroutine while Transfer(b, a, y) runs in another
// must never deadlock. Take the two locks in one global order that does not
// depend on the order of the arguments.
func Transfer(from, to *Account, amount int64) error {
	// TODO
	return errNotImplemented
}
