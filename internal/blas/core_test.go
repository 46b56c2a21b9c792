//go:build cgo && !purego

package blas

import "testing"

func TestChooseCore(t *testing.T) {
	for _, tc := range []struct {
		policy, inherited string
		avx512            bool
		want              string
	}{
		{"", "", true, "SkylakeX"},
		{"", "Haswell", true, "SkylakeX"},
		{"auto", "", false, ""},
		{"env", "Haswell", true, ""},
		{"Zen", "", true, "Zen"},
	} {
		if got, _ := chooseCore(tc.policy, tc.inherited, tc.avx512); got != tc.want {
			t.Errorf("chooseCore(%q, %q, %v) = %q, want %q", tc.policy, tc.inherited, tc.avx512, got, tc.want)
		}
	}
}
