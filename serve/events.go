package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// event is one server-sent event.
type event struct {
	name string
	data []byte
}

// subscriberBuffer is how many events a slow client may fall behind before
// further ones are dropped for it (it can always fetch the job's state):
// a client that stops reading costs a bounded amount of memory.
const subscriberBuffer = 16

// maxSubscribers bounds the clients following one job.
const maxSubscribers = 256

// subscribe registers a client of j's events; ok is false when j has
// ended (there is nothing more to follow) or has too many clients.
func (j *job) subscribe() (ch chan event, ok bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if finished(j.st.State) || len(j.subs) >= maxSubscribers {
		return nil, false
	}
	ch = make(chan event, subscriberBuffer)
	j.subs[ch] = struct{}{}
	return ch, true
}

// unsubscribe removes a client that went away.
func (j *job) unsubscribe(ch chan event) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.subs[ch]; ok {
		delete(j.subs, ch)
		close(ch)
	}
}

// publish sends an event to every client of j without waiting: a client
// whose buffer is full misses it.
func (s *Server) publish(j *job, name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		s.cfg.Logf("job %s: event %s: %v", j.id, name, err)
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for ch := range j.subs {
		select {
		case ch <- event{name, data}:
		default:
		}
	}
}

// publishStatus sends j's whole status as a "status" event.
func (s *Server) publishStatus(j *job) { s.publish(j, "status", j.status()) }

// closeSubscribers ends every client's stream of j (after its final
// status has been queued to them).
func (s *Server) closeSubscribers(j *job) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for ch := range j.subs {
		delete(j.subs, ch)
		close(ch)
	}
}

// events streams a job's events (server-sent events): its status first,
// then "progress" (iteration, loss, ETA; a new snapshot number when the
// live kernel and preview changed) and "status" events until it ends, a
// final "status" and an "end" event. A comment line every 15 s keeps
// idle connections open.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	j := s.get(r.PathValue("id"))
	if j == nil {
		writeError(w, http.StatusNotFound, "no such job")
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming is not supported")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	ch, live := j.subscribe()
	send := func(name string, data []byte) bool {
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
		fl.Flush()
		return err == nil
	}
	status, _ := json.Marshal(j.status())
	if !send("status", status) {
		return
	}
	if !live {
		send("end", status)
		return
	}
	defer j.unsubscribe(ch)
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			fl.Flush()
		case e, ok := <-ch:
			if !ok {
				final, _ := json.Marshal(j.status())
				send("end", final)
				return
			}
			if !send(e.name, e.data) {
				return
			}
		}
	}
}
