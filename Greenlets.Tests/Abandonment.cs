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
}
