module pier.example/hello

go 1.19
