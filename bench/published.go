package bench

// LevinRow is a row of Table 3 of the SelfDeblur paper (Levin et al.
// benchmark, 32 images).
type LevinRow struct {
	Method     string
	PSNR, SSIM float64
	ErrorRatio float64 // NaN where not given
	Time       string  // seconds of kernel estimation and the device, or "-"
}

// PublishedLevin returns Table 3 of the SelfDeblur paper in its order.
func PublishedLevin() []LevinRow {
	return []LevinRow{
		{"known kernel + non-blind [Levin 2011]", 34.53, 0.9492, 1.0000, "-"},
		{"Krishnan et al. 2011", 29.88, 0.8666, 2.4523, "8.94 (CPU)"},
		{"Cho & Lee 2009", 30.57, 0.8966, 1.7113, "1.40 (CPU)"},
		{"Levin et al. 2011", 30.80, 0.9092, 1.7724, "78.26 (CPU)"},
		{"Xu & Jia 2010", 31.67, 0.9163, 1.4898, "1.18 (CPU)"},
		{"Sun et al. 2013", 32.99, 0.9330, 1.2847, "191.03 (CPU)"},
		{"Zuo et al. 2016", 32.66, 0.9332, 1.2500, "11.00 (CPU)"},
		{"Pan-DCP 2018", 32.69, 0.9284, 1.2555, "295.23 (CPU)"},
		{"SRN (learned, retrained)", 23.43, 0.7117, 6.0864, "-"},
		{"SelfDeblur + non-blind [Levin 2011]", 33.32, 0.9438, 1.2509, "-"},
		{"SelfDeblur", 33.07, 0.9313, 1.1968, "224.01 (Titan V GPU)"},
	}
}

// PSNRSSIM is a PSNR (dB) / SSIM pair.
type PSNRSSIM struct{ PSNR, SSIM float64 }

// LaiRow is a method's column of Table 4 of the SelfDeblur paper (Lai et
// al. synthetic set, PSNR/SSIM on luma).
type LaiRow struct {
	Method string
	// ByCategory follows LaiCategories.
	ByCategory [5]PSNRSSIM
	Average    PSNRSSIM
}

// PublishedLai returns Table 4 of the SelfDeblur paper, one row per method.
func PublishedLai() []LaiRow {
	return []LaiRow{
		{"Xu & Jia", [5]PSNRSSIM{{19.23, 0.6540}, {23.03, 0.7542}, {25.32, 0.8517}, {14.79, 0.5632}, {18.56, 0.7171}}, PSNRSSIM{20.18, 0.7080}},
		{"Pan-DCP", [5]PSNRSSIM{{18.59, 0.5942}, {22.60, 0.6984}, {24.03, 0.7719}, {16.52, 0.6322}, {17.42, 0.6193}}, PSNRSSIM{19.89, 0.6656}},
		{"SelfDeblur + non-blind", [5]PSNRSSIM{{20.08, 0.7338}, {22.50, 0.7183}, {27.41, 0.8784}, {16.58, 0.6165}, {19.06, 0.7126}}, PSNRSSIM{21.13, 0.7319}},
		{"SelfDeblur", [5]PSNRSSIM{{20.35, 0.7543}, {22.05, 0.7092}, {25.94, 0.8834}, {16.35, 0.6364}, {20.16, 0.7785}}, PSNRSSIM{20.97, 0.7524}},
	}
}
