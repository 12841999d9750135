using System.Diagnostics;

namespace Greenlets.Bench;

/// <summary>The greenlet workloads shared by the BenchmarkDotNet classes and the side-by-side comparison.</summary>
public static class Workloads
{
    /// <summary>Starts a greenlet that switches straight back to its parent forever; each <c>Switch</c> on it is a round trip.</summary>
    public static Greenlet StartEcho()
    {
        Greenlet main = Greenlet.Current;
        var echo = new Greenlet(() =>
        {
            while (true)
            {
                main.Switch();
            }
        });
        echo.Switch();
        return echo;
    }

    /// <summary>Makes <paramref name="count"/> round trips to <paramref name="echo"/> (two switches each).</summary>
    public static void PingPong(Greenlet echo, int count)
    {
        for (int i = 0; i < count; i++)
        {
            echo.Switch();
        }
    }

    /// <summary>Kills a suspended greenlet (its <c>finally</c> blocks run) and frees its fiber.</summary>
    public static void Kill(Greenlet greenlet)
    {
        if (greenlet.IsActive)
        {
            greenlet.Throw();
        }
    }

    /// <summary>A ring of greenlets, all started from main, passing the baton round until a countdown ends.</summary>
    public sealed class Ring : IDisposable
    {
        private readonly Greenlet[] _members;
        private readonly Greenlet _main;
        private int _remaining;

        public Ring(int size)
        {
            _main = Greenlet.Current;
            _members = new Greenlet[size];
            for (int i = 0; i < size; i++)
            {
                int next = (i + 1) % size;
                _members[i] = new Greenlet(() =>
                {
                    _main.Switch();
                    while (true)
                    {
                        if (--_remaining <= 0)
                        {
                            _main.Switch();
                        }
                        else
                        {
                            _members[next].Switch();
                        }
                    }
                });
            }

            foreach (Greenlet g in _members)
            {
                g.Switch();
            }
        }

        /// <summary>Passes the baton <paramref name="switches"/> times round the ring, then back to main.</summary>
        public void Run(int switches)
        {
            _remaining = switches;
            _members[0].Switch();
        }

        public void Dispose()
        {
            foreach (Greenlet g in _members)
            {
                Kill(g);
            }
        }
    }

    /// <summary>greenlet's <c>benchmarks/chain.py</c>: builds a chain of <paramref name="length"/> greenlets and passes 0 from
    /// one end to the other, each adding one. Returns the greenlets (still suspended) and the result.</summary>
    public static (Greenlet[] Links, int Result) Chain(int length)
    {
        var links = new Greenlet[length];
        Greenlet start = Greenlet.Current;
        for (int i = 0; i < length; i++)
        {
            Greenlet next = start;
            var g = new Greenlet(_ =>
            {
                int value = (int)Greenlet.Current.Parent!.Switch()!;
                while (true)
                {
                    value = (int)next.Switch(value + 1)!;
                }
            });
            g.Switch();
            links[i] = g;
            start = g;
        }

        return (links, (int)start.Switch(0)!);
    }

    /// <summary>Creates a greenlet, switches into it, and lets it finish at once.</summary>
    public static object? CreateSwitchFinish() => new Greenlet(static _ => null).Switch();

    /// <summary>Starts <paramref name="count"/> greenlets that suspend at once (in a switch back to main).</summary>
    public static Greenlet[] Suspended(int count)
    {
        Greenlet main = Greenlet.Current;
        var all = new Greenlet[count];
        for (int i = 0; i < count; i++)
        {
            all[i] = new Greenlet(() => main.Switch());
            all[i].Switch();
        }

        return all;
    }

    /// <summary>Gets the resident set size of this process, in bytes.</summary>
    public static long ResidentBytes()
    {
        string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>Times <paramref name="body"/> and returns nanoseconds per operation.</summary>
    public static double NanosecondsPer(long operations, Action body)
    {
        long t0 = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(t0).TotalNanoseconds / operations;
    }
}
