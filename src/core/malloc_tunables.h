// CoreMallocTunables: the GLIBC_TUNABLES value the launcher (src/main.cc) starts
// `claudescope-core import` with. It asks glibc's malloc to back its heaps with transparent
// huge pages (glibc.malloc.hugetlb=1, glibc >= 2.35; older versions ignore it): an import
// touches ~180-240 MB of heap one 4 KiB page fault at a time otherwise (44k faults for a
// 200 MB tree, 59k for 1 GB), and page faults are dear on virtual machines. On the 2-core VM a
// 200 MB import took 1.82-2.09 s instead of 2.34-2.64 s (five runs each, alternated; system
// time 0.9 -> 0.6 s) with the same peak RSS; on 1 GB the ~0.5 s it saves is within the run-to-
// run noise. Only the import asks for it: a long-running `serve` could keep huge pages that
// are mostly free. Tunables can only be set before a process starts, hence the launcher.
//
// Contract: pure. `existing` is the caller's GLIBC_TUNABLES (null or empty when unset); its
// settings are kept, and a hugetlb setting of its own wins.
#pragma once
#include <string>

namespace cs {

std::string CoreMallocTunables(const char* existing);

}  // namespace cs
