namespace Greenlets.Tests;

/// <summary>greenlet's test_generator.py and test_generator_nested.py scenarios on <see cref="GreenletGenerator{T}"/>.</summary>
public sealed class GreenletGeneratorTests
{
    [Fact]
    public void Enumerate_ThreeTimes_InterleavesWithTheBody() => OnThread.Run(() =>
    {
        // test_generator
        var seen = new List<int>();
        GreenletGenerator<int> G(int n) => new(yield =>
        {
            for (int i = 0; i < n; i++)
            {
                seen.Add(i);
                yield(i);
            }
        });

        for (int k = 0; k < 3; k++)
        {
            foreach (int j in G(5))
            {
                seen.Add(j);
            }
        }

        Assert.Equal(Enumerable.Repeat(new[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 }, 3).SelectMany(x => x), seen);
    });

    [Fact]
    public void Yield_FromNestedCall_Works() => OnThread.Run(() =>
    {
        // test_genlet_simple: yield from a nested plain function
        var seen = new List<int>();
        void Helper(Action<int> yield, int i) => yield(i);
        var gen = new GreenletGenerator<int>(yield =>
        {
            for (int i = 1; i <= 5; i++)
            {
                Helper(yield, i);
                seen.Add(i - 1);
            }
        });
        for (int k = 0; k < 3; k++)
        {
            foreach (int v in gen)
            {
                seen.Add(v);
            }
        }

        Assert.Equal(Enumerable.Repeat(new[] { 1, 0, 2, 1, 3, 2, 4, 3, 5, 4 }, 3).SelectMany(x => x), seen);
    });

    [Fact]
    public void Yield_OutsideItsGenerator_ThrowsInvalidOperation() => OnThread.Run(() =>
    {
        // test_genlet_bad
        Action<int>? captured = null;
        var gen = new GreenletGenerator<int>(yield => captured = yield);
        Assert.Empty(gen);
        Assert.Throws<InvalidOperationException>(() => captured!(10));
    });

    [Fact]
    public void Enumerate_NestedGenerators_Complete() => OnThread.Run(() =>
    {
        // test_nested_genlets: a recursive generator yields through nested generators.
        GreenletGenerator<int> Ax(int n) => new(yield =>
        {
            if (n <= 0)
            {
                yield(0);
                return;
            }

            foreach (int v in Ax(n - 1))
            {
                yield(v + 1);
            }
        });
        Assert.Equal([5], Ax(5).ToList());
    });

    [Fact]
    public void Enumerate_Permutations_MatchesGreenletsTest() => OnThread.Run(() =>
    {
        // test_permutations
        GreenletGenerator<List<int>> Perms(List<int> l) => new(yield =>
        {
            if (l.Count > 1)
            {
                foreach (int e in l)
                {
                    foreach (List<int> x in Perms(l.Where(y => y != e).ToList()))
                    {
                        yield([e, .. x]);
                    }
                }
            }
            else
            {
                yield(l);
            }
        });

        var all = Perms([0, 1, 2, 3]).ToList();
        Assert.Equal(24, all.Count);
        Assert.Contains(all, p => p.SequenceEqual([0, 1, 2, 3]));
        Assert.Contains(all, p => p.SequenceEqual([3, 2, 1, 0]));
        var pairs = Perms([0, 1, 2, 3]).Zip(Perms([0, 1, 2])).Select(p => (string.Join(",", p.First), string.Join(",", p.Second))).ToList();
        Assert.Equal(
            [("0,1,2,3", "0,1,2"), ("0,1,3,2", "0,2,1"), ("0,2,1,3", "1,0,2"), ("0,2,3,1", "1,2,0"), ("0,3,1,2", "2,0,1"), ("0,3,2,1", "2,1,0")],
            pairs);
    });

    [Fact]
    public void Yield_OuterYieldFromInnerGenerator_PassesOneLevelUp() => OnThread.Run(() =>
    {
        // test_layered_genlets: the inner body yields to its own consumer and, past it, to the outer one.
        var seen = new List<int>();
        var outer = new GreenletGenerator<int>(outerYield =>
        {
            var inner = new GreenletGenerator<int>(innerYield =>
            {
                for (int ii = 1; ii <= 4; ii++)
                {
                    innerYield(ii);
                    outerYield(ii * ii);
                }
            });
            foreach (int v in inner)
            {
                seen.Add(v);
            }
        });
        foreach (int v in outer)
        {
            seen.Add(v);
        }

        Assert.Equal([1, 1, 2, 4, 3, 9, 4, 16], seen);
    });

    [Fact]
    public void Dispose_BeforeTheEnd_KillsBodyAndRunsFinally() => OnThread.Run(() =>
    {
        var log = new List<string>();
        var gen = new GreenletGenerator<int>(yield =>
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    yield(i);
                }
            }
            catch (GreenletExit)
            {
                log.Add("exit");
                throw;
            }
            finally
            {
                log.Add("finally");
            }
        });
        Assert.Equal([0, 1, 2], gen.Take(3).ToList());
        Assert.Equal(["exit", "finally"], log);
    });

    [Fact]
    public void MoveNext_BodyThrows_PropagatesToConsumer() => OnThread.Run(() =>
    {
        var gen = new GreenletGenerator<int>(yield =>
        {
            yield(1);
            throw new SomeException();
        });
        using IEnumerator<int> e = gen.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Equal(1, e.Current);
        Assert.Throws<SomeException>(() => e.MoveNext());
        Assert.False(e.MoveNext());
    });

    [Fact]
    public void Constructor_NullBody_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new GreenletGenerator<int>(null!));

    [Fact]
    public void Reset_Always_ThrowsNotSupported() => OnThread.Run(() =>
    {
        using IEnumerator<int> e = new GreenletGenerator<int>(y => y(1)).GetEnumerator();
        Assert.Throws<NotSupportedException>(e.Reset);
    });
}
