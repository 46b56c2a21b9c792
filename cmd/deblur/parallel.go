package main

import (
	"context"
	"sync"
)

// parallelWriter runs tasks (file writes, which mostly wait for the disk)
// on a fixed number of goroutines. After the first failure, or once ctx is
// done, the remaining tasks are skipped.
type parallelWriter struct {
	ctx    context.Context
	cancel context.CancelFunc
	tasks  chan func() error
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
}

func newParallelWriter(ctx context.Context, workers int) *parallelWriter {
	ctx, cancel := context.WithCancel(ctx)
	w := &parallelWriter{ctx: ctx, cancel: cancel, tasks: make(chan func() error, 2*workers)}
	w.wg.Add(workers)
	for range workers {
		go func() {
			defer w.wg.Done()
			for task := range w.tasks {
				if w.ctx.Err() == nil {
					if err := task(); err != nil {
						w.fail(err)
					}
				}
			}
		}()
	}
	return w
}

// do queues task; it blocks while all workers are busy and the queue is full.
func (w *parallelWriter) do(task func() error) {
	select {
	case w.tasks <- task:
	case <-w.ctx.Done():
	}
}

// fail records err (the first one is kept) and stops the remaining tasks.
func (w *parallelWriter) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
	w.cancel()
}

// stopped reports whether a task failed or the parent context is done.
func (w *parallelWriter) stopped() bool { return w.ctx.Err() != nil }

// wait waits for the queued tasks and returns the first failure, if any.
func (w *parallelWriter) wait() error {
	close(w.tasks)
	w.wg.Wait()
	w.cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
