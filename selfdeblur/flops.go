package selfdeblur

// ForwardFLOPs returns the floating-point operations (2 per multiply-add) of
// the convolutions, linear maps and attention products of one forward pass
// of the network on an h x w input. A training step (forward and both
// backward products) costs about three times as much.
func (c SkipConfig) ForwardFLOPs(h, w int) float64 {
	conv := func(cin, cout, k, oh, ow int) float64 {
		return 2 * float64(cin*cout*k*k) * float64(oh*ow)
	}
	total := 0.0
	in := c.InChannels
	for i := range c.Down {
		oh, ow := (h+1)/2, (w+1)/2
		total += conv(in, c.Skip[i], 1, h, w)
		total += conv(in, c.Down[i], 3, oh, ow)
		if i >= c.NonLocalFrom {
			inner, n, np := c.Down[i]/2, oh*ow, (oh/2)*(ow/2)
			total += 3*conv(c.Down[i], inner, 1, oh, ow) + conv(inner, c.Down[i], 1, oh, ow)
			total += 2 * 2 * float64(inner) * float64(n) * float64(np)
		}
		total += conv(c.Down[i], c.Down[i], 3, oh, ow)
		deeper := c.Down[i]
		if i+1 < len(c.Down) {
			deeper = c.Up[i+1]
		}
		total += conv(c.Skip[i]+deeper, c.Up[i], 3, h, w)
		total += conv(c.Up[i], c.Up[i], 1, h, w)
		in, h, w = c.Down[i], oh, ow
	}
	return total + conv(c.Up[0], c.OutChannels, 1, h, w)
}
