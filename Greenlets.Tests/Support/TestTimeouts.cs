using System.Diagnostics;

namespace Greenlets.Tests;

/// <summary>The one shared hang guard: anything that could deadlock waits at most this long, then fails.</summary>
/// <remarks>It guards against real hangs only: no test bounds its work by it (work is bounded by counts). Under a
/// debugger it is infinite, so that stepping through a test never trips it.</remarks>
internal static class TestTimeouts
{
    public static readonly TimeSpan Unexpected = Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(60);
}
