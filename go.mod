module github.com/deblur/deblur

<<<<<<< HEAD
go 1.26

require gonum.org/v1/gonum v0.17.0
=======
go 1.26.0

require golang.org/x/image v0.47.0
>>>>>>> io
