using System.Globalization;
using Greenlets.Internal;
using Xunit.Abstractions;

namespace Greenlets.Tests;

/// <summary>The thread cap and the other fiber settings of <see cref="GreenletOptions"/>.</summary>
[Collection(SerialCollection.Name)]
public sealed class GreenletOptionsTests(ITestOutputHelper output)
{
    private const string PidsCgroupVariable = "GREENLETS_TEST_PIDS_CGROUP";

    [Fact]
    public void Switch_PastThreadCap_ThrowsInvalidOperationAndStaysPending() => OnThread.Run(() =>
    {
        int saved = GreenletOptions.MaxThreads;
        var suspended = new List<Greenlet>();
        try
        {
            GreenletOptions.MaxThreads = FiberPool.Shared.TotalThreads + 3;
            Exception? error = null;
            for (int i = 0; i < 100 && error is null; i++)
            {
                var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
                try
                {
                    g.Switch();
                    suspended.Add(g);
                }
                catch (InvalidOperationException e)
                {
                    error = e;
                    Assert.Equal(GreenletState.Pending, g.State);
                }
            }

            Assert.NotNull(error);
            Assert.Contains("GreenletOptions.MaxThreads", error.Message, StringComparison.Ordinal);
            Assert.InRange(suspended.Count, 3, 99);
        }
        finally
        {
            suspended.ForEach(g => g.Throw());
            GreenletOptions.MaxThreads = saved;
        }

        var after = new Greenlet(_ => "runs again");
        Assert.Equal("runs again", after.Switch());
    });

    [Fact]
    public void Switch_ThreadStartFails_ThrowsInvalidOperationAndChangesNothing() => OnThread.Run(() =>
    {
        Greenlet main = Greenlet.Current;
        var held = new List<Greenlet>();
        var injected = new OutOfMemoryException("injected: thread start failed");
        FiberPool.StartFault = () => injected;
        try
        {
            // The pooled threads start greenlets without the OS; the first switch that needs a new thread fails.
            InvalidOperationException? error = null;
            Greenlet? refused = null;
            int pooled = FiberPool.Shared.IdleThreads;
            for (int i = 0; i <= pooled + 1 && error is null; i++)
            {
                var g = new Greenlet(x => main.Switch((int)x! + 1));
                int threads = FiberPool.Shared.TotalThreads;
                try
                {
                    Assert.Equal(i + 1, g.Switch(i));
                    held.Add(g);
                }
                catch (InvalidOperationException e)
                {
                    error = e;
                    refused = g;
                    Assert.Equal(threads, FiberPool.Shared.TotalThreads);
                }
            }

            Assert.NotNull(error);
            Assert.Same(injected, error.InnerException);
            Assert.Equal(GreenletState.Pending, refused!.State);
            Assert.Same(main, Greenlet.Current);
            Assert.Equal(GreenletState.Running, main.State);
            Assert.All(held, g => Assert.Equal(GreenletState.Suspended, g.State));

            // The caller can retry the very same switch once the OS lets a thread start.
            FiberPool.StartFault = null;
            Assert.Equal(42, refused.Switch(41));
            held.Add(refused);
            foreach (Greenlet g in held)
            {
                Assert.Equal("done", g.Switch("done"));
                Assert.True(g.IsDead);
            }
        }
        finally
        {
            FiberPool.StartFault = null;
        }
    });

    [Fact]
    public void Finish_ParentStartFails_ErrorGoesToNextParentAndParentStaysPending() => OnThread.Run(() =>
    {
        Greenlet main = Greenlet.Current;
        var holders = Enumerable.Range(0, FiberPool.Shared.IdleThreads).Select(_ => new Greenlet(() => main.Switch())).ToList();
        holders.ForEach(h => h.Switch());
        var parent = new Greenlet(x => x);
        var child = new Greenlet(_ =>
        {
            // Every pooled thread is busy now: the start of the pending parent, when this finishes, needs a new one.
            FiberPool.StartFault = () => new OutOfMemoryException("injected");
            return "to parent";
        }) { Parent = parent };
        try
        {
            // D3: the failed start of the parent goes on to the parent's parent.
            var error = Assert.Throws<InvalidOperationException>(() => child.Switch());
            Assert.IsType<OutOfMemoryException>(error.InnerException);
            Assert.True(child.IsDead);
            Assert.Equal(GreenletState.Pending, parent.State);
        }
        finally
        {
            FiberPool.StartFault = null;
        }

        Assert.Equal("again", parent.Switch("again"));
        holders.ForEach(h => h.Switch());
    });

    [Fact]
    public void PidsHeadroom_CgroupV1AndV2_TakesTheSmallestAncestorHeadroom()
    {
        string root = Directory.CreateTempSubdirectory("greenlets-cgroup").FullName;
        try
        {
            void Limit(string dir, string max, int current)
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "pids.max"), max + "\n");
                File.WriteAllText(Path.Combine(dir, "pids.current"), current + "\n");
            }

            // v2: the process's own cgroup is unlimited, its parent leaves 30, the root none.
            Limit(Path.Combine(root, "app.slice"), "100", 70);
            Limit(Path.Combine(root, "app.slice", "me.scope"), "max", 60);
            File.WriteAllText(Path.Combine(root, "cgroup-v2"), "0::/app.slice/me.scope\n");
            Assert.Equal(30, ProcessLimits.PidsHeadroom(Path.Combine(root, "cgroup-v2"), root));

            // v1: the pids controller's own hierarchy, beside the others.
            Limit(Path.Combine(root, "pids", "job"), "50", 45);
            File.WriteAllText(Path.Combine(root, "cgroup-v1"), "4:memory:/job\n8:pids:/job\n0::/\n");
            Assert.Equal(5, ProcessLimits.PidsHeadroom(Path.Combine(root, "cgroup-v1"), root));

            File.WriteAllText(Path.Combine(root, "cgroup-none"), "4:memory:/x\n");
            Assert.Equal(long.MaxValue, ProcessLimits.PidsHeadroom(Path.Combine(root, "cgroup-none"), root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void MaxThreads_Default_StaysUnderTheProcessLimits()
    {
        int cap = ProcessLimits.DefaultMaxThreads(GreenletOptions.StackSize);
        (long headroom, string limit) = ProcessLimits.Headroom(GreenletOptions.StackSize);
        Assert.InRange(cap, 1, int.MaxValue);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(cap < headroom, $"default cap {cap}, headroom {headroom} ({limit})");
        }
    }

    [Fact]
    [Trait("Category", "Stress")]
    public void Switch_UnderRealPidsLimit_StopsAtDefaultCapThenThrowsAndRecovers()
    {
        string? cgroup = CreatePidsCgroup();
        if (cgroup is null)
        {
            // Needs root and a writable pids controller; the injected failure above covers the switch itself.
            output.WriteLine("no pids cgroup could be created here: only the injected thread-start failure was tested");
            return;
        }

        try
        {
            Environment.SetEnvironmentVariable(PidsCgroupVariable, cgroup);
            var (code, text, _) = ProcessExitTests.RunChild("pids-limit");
            output.WriteLine(text);
            Assert.Equal(0, code);
            Assert.Contains("stopped by the cap: True", text, StringComparison.Ordinal);
            Assert.Contains("refused by the OS: OutOfMemoryException, pending, main running", text, StringComparison.Ordinal);
            Assert.Contains("retried: 42; finished: all", text, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PidsCgroupVariable, null);

            // A cgroup directory is removed with rmdir once empty (the child has exited).
            Directory.Delete(cgroup);
        }
    }

    /// <summary>The child side of <see cref="Switch_UnderRealPidsLimit_StopsAtDefaultCapThenThrowsAndRecovers"/>: joins the
    /// cgroup, leaves itself 40 more tasks, and starts greenlets into the cap, then into the OS's refusal.</summary>
    internal static int RunUnderPidsLimit()
    {
        string cgroup = Environment.GetEnvironmentVariable(PidsCgroupVariable)!;
        File.WriteAllText(Path.Combine(cgroup, "cgroup.procs"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        long current = long.Parse(File.ReadAllText(Path.Combine(cgroup, "pids.current")), CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(cgroup, "pids.max"), (current + 40).ToString(CultureInfo.InvariantCulture));

        // The first read of the options computes the default cap, under the limit just set.
        int cap = GreenletOptions.MaxThreads;
        Greenlet main = Greenlet.Current;
        var held = new List<Greenlet>();
        InvalidOperationException? Fill()
        {
            for (int i = 0; i < 1_000; i++)
            {
                var g = new Greenlet(x => main.Switch(x));
                try
                {
                    g.Switch();
                    held.Add(g);
                }
                catch (InvalidOperationException e)
                {
                    held.Add(g);
                    return e;
                }
            }

            return null;
        }

        InvalidOperationException? atCap = Fill();
        Console.WriteLine($"default cap {cap} under a headroom of 40; stopped by the cap: {atCap is { InnerException: null } && held.Count - 1 == cap && cap < 40}");
        held.RemoveAt(held.Count - 1);

        GreenletOptions.MaxThreads = 100_000;
        InvalidOperationException? refusal = Fill();

        // The runtime starts threads of its own at any time (the thread pool's gate thread, under load) and aborts the
        // process if it cannot: give the headroom back as soon as the refusal has been seen.
        File.WriteAllText(Path.Combine(cgroup, "pids.max"), "max");
        Greenlet refused = held[^1];
        held.RemoveAt(held.Count - 1);
        Console.WriteLine($"refused by the OS: {refusal?.InnerException?.GetType().Name}, {refused.State.ToString().ToLowerInvariant()}, "
            + $"main {(Greenlet.Current == main && main.State == GreenletState.Running ? "running" : "not running")}");

        // A finished greenlet's thread goes back to the pool, where the refused switch, retried, finds it.
        Greenlet first = held[0];
        held.RemoveAt(0);
        first.Switch("done");
        object? retried = refused.Switch(42);
        held.Add(refused);
        held.ForEach(g => g.Switch("done"));
        Console.WriteLine($"retried: {retried}; finished: {(held.TrueForAll(g => g.IsDead) && first.IsDead ? "all" : "not all")}");
        return 0;
    }

    /// <summary>A fresh, unlimited pids cgroup (v2, else v1), or null where none can be made (not root, no controller).</summary>
    private static string? CreatePidsCgroup()
    {
        string name = $"greenlets-test-{Environment.ProcessId}";
        string v2 = "/sys/fs/cgroup";
        string v1 = "/sys/fs/cgroup/pids";
        foreach (string parent in new[] { v2, v1 })
        {
            bool isV2 = parent == v2 && File.Exists(Path.Combine(v2, "cgroup.controllers"));
            if ((parent == v2 && !isV2) || !Directory.Exists(parent))
            {
                continue;
            }

            string dir = Path.Combine(parent, name);
            try
            {
                Directory.CreateDirectory(dir);
                if (File.Exists(Path.Combine(dir, "pids.max")))
                {
                    return dir;
                }

                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    [Fact]
    public void Setters_OutOfRange_ThrowArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.StackSize = 1024);
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.IdleThreadTimeout = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.MaxIdleThreads = -1);
    }
}
