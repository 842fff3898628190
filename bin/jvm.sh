# Sourced by the launchers (bin/bm-agent, and the one systemd/install.sh writes): the agent's JVM options.

# The card's memory budget is 512 MiB for the whole process: heap for the desired state (1,000,000 mappings fit),
# bounded direct memory for Netty's pools, metaspace, code cache and thread stacks; two malloc arenas, not one per
# core, so native allocations stay in the budget too. BM_AGENT_JAVA_OPTS replaces these defaults.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
jvm_defaults="-Xms64m -Xmx320m -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m"
jvm_defaults="$jvm_defaults -Xss512k -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"

# Where libc is, so JNA does not fork `ldconfig -p` at each start to find it (the agent loads no other library by
# name). Kept whatever BM_AGENT_JAVA_OPTS says; $HOSTTYPE is the multiarch tuple's first part on Debian.
jvm_system="-Djna.platform.library.path=/usr/lib/${HOSTTYPE:-x86_64}-linux-gnu:/lib/${HOSTTYPE:-x86_64}-linux-gnu"
jvm_system="$jvm_system:/usr/lib64:/lib64:/usr/lib:/lib"
# Netty tracks one buffer in 128 for leaks by default, taking a stack trace at each touch of it: 1-3 % of the data
# path's CPU in the pinned storage benchmark (perf). The tests run with paranoid detection, where leaks are caught.
jvm_system="$jvm_system -Dio.netty.leakDetection.level=disabled"

# cds_setup sets $cds to the options of the agent's class-data-sharing archive.
# The JVM parses and verifies some 6,000 classes at each start, half of a cold restart; an archive of them, dumped
# when an agent exits (-XX:ArchiveClassesAtExit), is mapped by the next start instead. The archive is named after the
# agent's jar, so an upgrade makes a new one; a dump goes to a per-process name and is adopted once that process is
# gone and a trial JVM has mapped it whole (-Xshare:on: a dump cut short by SIGKILL or a full disk fails there, not in
# the agent); VerifySharedSpaces checks its CRC at every start.
# Arguments: the directory for archives, the agent's jar, the class path the agent runs with.
cds_setup() {
  local dir="$1" jar="$2" cp="$3"
  local archive="$dir/bm-agent-$(stat -c %s-%Y "$jar").jsa"
  cds=""
  if [ ! -f "$archive" ]; then
    local dump pid
    for dump in "$archive".*.dump; do
      [ -f "$dump" ] || continue
      pid="${dump%.dump}"
      pid="${pid##*.}"
      if kill -0 "$pid" 2>/dev/null; then
        continue
      fi
      if java -Xshare:on -XX:SharedArchiveFile="$dump" -XX:+VerifySharedSpaces -XX:ErrorFile=/dev/null -cp "$cp" \
        -version > /dev/null 2>&1; then
        mv -f "$dump" "$archive" 2>/dev/null || true
      else
        rm -f "$dump"
      fi
    done
  fi
  if [ -f "$archive" ]; then
    cds="-XX:SharedArchiveFile=$archive -XX:+VerifySharedSpaces -Xlog:cds*=off"
  elif [ -w "$dir" ] && ! compgen -G "$archive.*.dump" > /dev/null; then
    # exec keeps this shell's PID, so $$ names the JVM that will write the dump.
    cds="-XX:ArchiveClassesAtExit=$archive.$$.dump -Xlog:cds*=off"
  fi
}
