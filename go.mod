module github.com/deblur/deblur

go 1.26
