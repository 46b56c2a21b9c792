package imageio

import (
	"fmt"

	"github.com/deblur/deblur/plane"
)

// ITU-R BT.601 studio-swing coefficients, as MATLAB's rgb2ycbcr uses them:
// with R, G, B in [0, 1], Y' = 16 + 65.481 R + 128.553 G + 24.966 B in 8-bit
// units (16..235), Cb and Cr are centred on 128 (16..240). Row k holds the
// offset and the R, G, B weights of Y, Cb, Cr.
func bt601() [3][4]float64 {
	return [3][4]float64{
		{16, 65.481, 128.553, 24.966},
		{128, -37.797, -74.203, 112.0},
		{128, 112.0, -93.786, -18.214},
	}
}

// rgbPlanes returns the R, G, B planes of im; a gray image gives its one
// plane three times.
func rgbPlanes(im *Image) (r, g, b *plane.Plane, err error) {
	if err := im.validate(); err != nil {
		return nil, nil, nil, err
	}
	if im.IsGray() {
		p := im.Channels[0]
		return p, p, p, nil
	}
	return im.Channels[0], im.Channels[1], im.Channels[2], nil
}

// Luma8 returns the BT.601 luma of im in 8-bit units:
// Y = 16 + 65.481 R + 128.553 G + 24.966 B, so [0, 1] RGB maps to [16, 235].
// A gray image is treated as R = G = B. The result is a new plane.
func Luma8(im *Image) (*plane.Plane, error) {
	r, g, b, err := rgbPlanes(im)
	if err != nil {
		return nil, err
	}
	y := plane.New(r.W, r.H)
	c := bt601()[0]
	for i := range y.Pix {
		y.Pix[i] = c[0] + c[1]*r.Pix[i] + c[2]*g.Pix[i] + c[3]*b.Pix[i]
	}
	return y, nil
}

// Luma returns Luma8(im)/255: BT.601 luma on the [0, 1] scale, within
// [16/255, 235/255] for inputs in [0, 1] (MATLAB rgb2ycbcr on double images).
func Luma(im *Image) (*plane.Plane, error) {
	y, err := Luma8(im)
	if err != nil {
		return nil, err
	}
	for i := range y.Pix {
		y.Pix[i] /= 255
	}
	return y, nil
}

// RGBToYCbCr converts im to BT.601 Y, Cb, Cr planes on the [0, 1] scale (the
// 8-bit values of Luma8 and the chroma formulas divided by 255): Y in
// [16/255, 235/255], Cb and Cr in [16/255, 240/255] for RGB in [0, 1]. A gray
// image is treated as R = G = B (Cb = Cr = 128/255). The planes are new.
func RGBToYCbCr(im *Image) (y, cb, cr *plane.Plane, err error) {
	r, g, b, err := rgbPlanes(im)
	if err != nil {
		return nil, nil, nil, err
	}
	out := [3]*plane.Plane{plane.New(r.W, r.H), plane.New(r.W, r.H), plane.New(r.W, r.H)}
	for k, c := range bt601() {
		o := out[k].Pix
		for i := range o {
			o[i] = (c[0] + c[1]*r.Pix[i] + c[2]*g.Pix[i] + c[3]*b.Pix[i]) / 255
		}
	}
	return out[0], out[1], out[2], nil
}

// YCbCrToRGB inverts RGBToYCbCr exactly (up to rounding): it returns a new
// colour image from Y, Cb, Cr planes on the [0, 1] scale. The result is not
// clamped; values may leave [0, 1] when, say, a deblurred Y overshoots
// (ToImage and WritePNG clamp). The planes must have the same size.
func YCbCrToRGB(y, cb, cr *plane.Plane) (*Image, error) {
	if !y.SameSize(cb) || !y.SameSize(cr) {
		return nil, fmt.Errorf("imageio: Y, Cb, Cr sizes differ: %dx%d, %dx%d, %dx%d", y.W, y.H, cb.W, cb.H, cr.W, cr.H)
	}
	m := bt601()
	inv := invert3([3][3]float64{
		{m[0][1], m[0][2], m[0][3]},
		{m[1][1], m[1][2], m[1][3]},
		{m[2][1], m[2][2], m[2][3]},
	})
	out := [3]*plane.Plane{plane.New(y.W, y.H), plane.New(y.W, y.H), plane.New(y.W, y.H)}
	for i := range y.Pix {
		// Back to 8-bit units without the offsets, then through the inverse.
		v := [3]float64{
			255*y.Pix[i] - m[0][0],
			255*cb.Pix[i] - m[1][0],
			255*cr.Pix[i] - m[2][0],
		}
		for k := 0; k < 3; k++ {
			out[k].Pix[i] = inv[k][0]*v[0] + inv[k][1]*v[1] + inv[k][2]*v[2]
		}
	}
	return &Image{Channels: out[:]}, nil
}

// invert3 returns the inverse of the non-singular 3x3 matrix m (cofactors).
func invert3(m [3][3]float64) [3][3]float64 {
	var c [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			i1, i2 := (i+1)%3, (i+2)%3
			j1, j2 := (j+1)%3, (j+2)%3
			c[j][i] = m[i1][j1]*m[i2][j2] - m[i1][j2]*m[i2][j1] // adjugate
		}
	}
	det := m[0][0]*c[0][0] + m[0][1]*c[1][0] + m[0][2]*c[2][0]
	for i := range c {
		for j := range c[i] {
			c[i][j] /= det
		}
	}
	return c
}
