# Sourced by ./centrifuge and ./test.sh before .NET starts: process environment the C libraries read when they load.
# Measured in docs/BENCHMARKS.md ("Allocator").
#
# libtorch allocates and frees tensor buffers of many megabytes on every operation; glibc's malloc hands each one
# back to the kernel and faults it in again: 6 steps of cpu-small training spent 40 s in the kernel for 37 s of our
# own work. tcmalloc (Debian libtcmalloc-minimal4, installed by scripts/ensure-tools.sh) keeps them: 2 s. Without
# tcmalloc, glibc is told to keep them (no mmap for large blocks, no trimming): as fast, with more resident memory.
# CENTRIFUGE_ALLOCATOR=glibc runs glibc's defaults, as before.
case "${CENTRIFUGE_ALLOCATOR:-tcmalloc}" in
  tcmalloc)
    centrifuge_tcmalloc="$(/sbin/ldconfig -p 2>/dev/null | awk '/libtcmalloc_minimal\.so\.4 / && !found { print $NF; found = 1 }' || true)"
    if [ -n "$centrifuge_tcmalloc" ] && [ -r "$centrifuge_tcmalloc" ]; then
      case ":${LD_PRELOAD:-}:" in
        *":$centrifuge_tcmalloc:"*) ;;
        *) export LD_PRELOAD="$centrifuge_tcmalloc${LD_PRELOAD:+:$LD_PRELOAD}" ;;
      esac
      # tcmalloc reports every allocation above 1 GB on stderr; a large clip's activations are not news.
      export TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD="${TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD:-1099511627776}"
    else
      export MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}"
      export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-68719476736}"
      export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
    fi
    unset centrifuge_tcmalloc ;;
  glibc) ;;
  *) echo "centrifuge: CENTRIFUGE_ALLOCATOR=${CENTRIFUGE_ALLOCATOR}: expected tcmalloc or glibc" >&2 ;;
esac
