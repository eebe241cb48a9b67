// A C++ console program: edit, then press Run (make builds it, then it runs; output shows in the run pane).
#include <iostream>
#include <string>
#include <vector>

int main() {
    std::cout << "Hello from Pier on C++" << std::endl;

    std::vector<std::string> steps = {"edit main.cpp", "press Run", "read the output here"};
    for (std::size_t i = 0; i < steps.size(); ++i) {
        std::cout << "  " << i + 1 << ". " << steps[i] << '\n';
    }
    std::cout << "Built with g++ " << __VERSION__ << ", C++ " << __cplusplus << std::endl;
    return 0;
}
