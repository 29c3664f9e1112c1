# Sourced by ./centrifuge and ./test.sh before .NET starts: process environment libtorch reads when it loads.
# Measured in docs/BENCHMARKS.md ("Allocator", "Threads").
#
# tcmalloc: libtorch allocates and frees tensor buffers of many megabytes on every operation; glibc's malloc hands
# each one back to the kernel and faults it in again, so `separate --blend` spent more time in the kernel than in
# our code. tcmalloc (Debian libtcmalloc-minimal4, installed by scripts/ensure-tools.sh) keeps them; when it is not
# installed, glibc's malloc is used as before. CENTRIFUGE_ALLOCATOR=glibc turns the preload off.
if [ "${CENTRIFUGE_ALLOCATOR:-tcmalloc}" = tcmalloc ]; then
  centrifuge_tcmalloc="$(/sbin/ldconfig -p 2>/dev/null | awk '/libtcmalloc_minimal\.so\.4 /{ print $NF; exit }')"
  if [ -n "$centrifuge_tcmalloc" ] && [ -r "$centrifuge_tcmalloc" ]; then
    case ":${LD_PRELOAD:-}:" in
      *":$centrifuge_tcmalloc:"*) ;;
      *) export LD_PRELOAD="$centrifuge_tcmalloc${LD_PRELOAD:+:$LD_PRELOAD}" ;;
    esac
    # tcmalloc reports every allocation above 1 GB on stderr; a large clip's activations are not news.
    export TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD="${TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD:-1099511627776}"
  fi
  unset centrifuge_tcmalloc
fi
