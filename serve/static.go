package serve

import (
	"embed"
	"io/fs"
	"net/http"
)

// static holds the page: index.html, app.js and style.css, plain files
// with no build step and nothing fetched from elsewhere.
//
//go:embed static
var static embed.FS

// staticFS serves the embedded files under /static/ URLs.
var staticFS fs.FS = static

// page serves the single page.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	data, err := static.ReadFile("static/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}
