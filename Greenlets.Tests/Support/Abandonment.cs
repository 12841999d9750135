using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Greenlets.Tests;

/// <summary>Creates greenlets and drops them: a third left pending, a third suspended, a third finished.</summary>
internal static class Abandonment
{
    /// <summary>Creates <paramref name="total"/> greenlets whose body waits once in a switch to its parent and calls
    /// <paramref name="onFinally"/> from its <c>finally</c>; returns how many were left suspended and how many finished.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static (int Suspended, int Dead) Abandon(int total, Action onFinally)
    {
        int suspended = 0;
        int dead = 0;
        var pending = new List<Greenlet>();
        for (int i = 0; i < total; i++)
        {
            var g = new Greenlet(() =>
            {
                try
                {
                    Greenlet.Current.Parent!.Switch();
                }
                finally
                {
                    onFinally();
                }
            });
            switch (i % 3)
            {
                case 0:
                    pending.Add(g);
                    break;
                case 1:
                    g.Switch();
                    suspended++;
                    break;
                default:
                    g.Switch();
                    g.Switch();
                    dead++;
                    break;
            }
        }

        pending.Clear();
        return (suspended, dead);
    }

    /// <summary>Leaves <paramref name="count"/> greenlets suspended in a switch to their parent, each calling
    /// <paramref name="onFinally"/> from its <c>finally</c> when it is unwound.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LeaveSuspended(int count, Action onFinally)
    {
        for (int i = 0; i < count; i++)
        {
            var g = new Greenlet(() =>
            {
                try
                {
                    Greenlet.Current.Parent!.Switch();
                }
                finally
                {
                    onFinally();
                }
            });
            g.Switch();
        }
    }

    /// <summary>Asserts that the process's thread count falls to <paramref name="bound"/> within the hang timeout.</summary>
    public static void AssertThreadsReturnTo(Process process, int bound)
    {
        bool returned = SpinWait.SpinUntil(
            () =>
            {
                process.Refresh();
                return process.Threads.Count <= bound;
            },
            TestTimeouts.Unexpected);
        Assert.True(returned, $"{process.Threads.Count} threads live, expected at most {bound}");
    }
}
