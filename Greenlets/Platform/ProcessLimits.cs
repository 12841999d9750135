using System.Globalization;
using System.Runtime.InteropServices;

namespace Greenlets.Internal;

/// <summary>
/// How many more threads the OS will let this process start (Linux): the default of
/// <see cref="GreenletOptions.MaxThreads"/> stays under it, so that the cap, not a failed thread start, stops greenlets.
/// </summary>
/// <remarks>
/// Every limit is read as headroom, what is left of it now: a cgroup's <c>pids.max</c> less its <c>pids.current</c>
/// (every ancestor too, v1 and v2), <c>RLIMIT_NPROC</c> less this process's threads (the user's other processes count
/// as well but cannot be seen cheaply), <c>vm.max_map_count</c> less the maps in use over <see cref="MapsPerThread"/>,
/// <c>kernel.threads-max</c>, and the address space a stack reserves under <c>RLIMIT_AS</c> or strict overcommit.
/// </remarks>
internal static partial class ProcessLimits
{
    /// <summary>Memory maps a started .NET thread adds (measured: its stack, the guard page, the runtime's own guard and
    /// alternate signal stack).</summary>
    public const int MapsPerThread = 4;

    /// <summary>The cap when no limit can be read (not Linux): what a default <c>vm.max_map_count</c> allows.</summary>
    public const int Fallback = 12_000;

    private const int RlimitNproc = 6;
    private const int RlimitAs = 9;

    /// <summary>The default cap: three quarters of the smallest headroom, leaving the rest to the runtime's and the
    /// application's own threads (at least 1; <see cref="Fallback"/> when nothing is known).</summary>
    public static int DefaultMaxThreads(int stackSize)
    {
        (long headroom, _) = Headroom(stackSize);
        return headroom == long.MaxValue ? Fallback : (int)Math.Clamp(headroom / 4 * 3, 1, int.MaxValue);
    }

    /// <summary>Gets the smallest headroom and the limit it comes from (<see cref="long.MaxValue"/> when none is known).</summary>
    public static (long Headroom, string Limit) Headroom(int stackSize)
    {
        long best = long.MaxValue;
        string limit = "none";
        if (!OperatingSystem.IsLinux())
        {
            return (best, limit);
        }

        void Consider(long value, string name)
        {
            if (value < best)
            {
                best = Math.Max(0, value);
                limit = name;
            }
        }

        long threads = StatusField("/proc/self/status", "Threads") ?? 1;
        Consider(PidsHeadroom("/proc/self/cgroup", "/sys/fs/cgroup"), "cgroup pids.max");
        if (GetLimit(RlimitNproc) is { } nproc)
        {
            Consider(nproc - threads, "RLIMIT_NPROC");
        }

        if (ReadNumber("/proc/sys/vm/max_map_count") is { } maps)
        {
            Consider((maps - CountLines("/proc/self/maps")) / MapsPerThread, "vm.max_map_count");
        }

        if (ReadNumber("/proc/sys/kernel/threads-max") is { } threadsMax)
        {
            Consider(threadsMax - threads, "kernel.threads-max");
        }

        long reserve = stackSize + (64 * 1024);
        if (GetLimit(RlimitAs) is { } addressSpace && StatusField("/proc/self/status", "VmSize") is { } vmKiB)
        {
            Consider((addressSpace - (vmKiB * 1024)) / reserve, "RLIMIT_AS");
        }

        if (ReadNumber("/proc/sys/vm/overcommit_memory") == 2
            && StatusField("/proc/meminfo", "CommitLimit") is { } commitLimit
            && StatusField("/proc/meminfo", "Committed_AS") is { } committed)
        {
            Consider((commitLimit - committed) * 1024 / reserve, "vm.overcommit_memory=2");
        }

        return (best, limit);
    }

    /// <summary>The smallest <c>pids.max - pids.current</c> of this process's pids cgroup and its ancestors.</summary>
    /// <param name="cgroupFile">The process's cgroup membership (<c>/proc/self/cgroup</c>).</param>
    /// <param name="mount">Where the cgroup file systems are mounted (<c>/sys/fs/cgroup</c>).</param>
    public static long PidsHeadroom(string cgroupFile, string mount)
    {
        long best = long.MaxValue;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(cgroupFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return best;
        }

        foreach (string line in lines)
        {
            // "hierarchy:controllers:path": v2 is "0::/path" under the mount itself; v1's pids controller has its own mount.
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            string root;
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                root = mount;
            }
            else if (parts[1].Split(',').Contains("pids"))
            {
                root = Path.Combine(mount, parts[1]);
            }
            else
            {
                continue;
            }

            // Inside a container without a cgroup namespace the path may not exist: the mount's root is then ours.
            string dir = Path.Combine(root, parts[2].TrimStart('/'));
            if (!Directory.Exists(dir))
            {
                dir = root;
            }

            for (string? d = dir; d is not null && d.StartsWith(root, StringComparison.Ordinal); d = Path.GetDirectoryName(d))
            {
                if (ReadNumber(Path.Combine(d, "pids.max")) is { } max)
                {
                    long current = ReadNumber(Path.Combine(d, "pids.current")) ?? 0;
                    best = Math.Min(best, max - current);
                }
            }
        }

        return best;
    }

    /// <summary>A number file (<c>max</c> reads as none).</summary>
    private static long? ReadNumber(string path)
    {
        try
        {
            return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A <c>Key: value [kB]</c> line of a <c>/proc</c> status file.</summary>
    private static long? StatusField(string path, string key)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length > key.Length && line.StartsWith(key, StringComparison.Ordinal) && line[key.Length] == ':')
                {
                    string[] words = line[(key.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return words.Length > 0 && long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static long CountLines(string path)
    {
        try
        {
            return File.ReadLines(path).LongCount();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>A soft resource limit, or null when unlimited or unknown.</summary>
    private static long? GetLimit(int resource)
    {
        if (!Environment.Is64BitProcess)
        {
            return null;
        }

        try
        {
            return GetRLimit(resource, out RLimit limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out RLimit limit);
}
