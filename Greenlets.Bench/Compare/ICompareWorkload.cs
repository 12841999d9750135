namespace Greenlets.Bench.Compare;

/// <summary>
/// One workload of the side-by-side comparison with Python's greenlet/gevent. The Python twin lives in
/// <c>compare-py/*.py</c> and prints the same <see cref="Name"/>; <c>compare.sh</c> joins the two by name.
/// </summary>
public interface ICompareWorkload
{
    /// <summary>Gets the workload's name, shared with its Python twin (e.g. <c>switch_pingpong</c>).</summary>
    string Name { get; }

    /// <summary>Gets the unit of <see cref="Measure"/>: <c>ns/op</c>, <c>B/greenlet</c> or <c>req/s</c>.</summary>
    string Unit { get; }

    /// <summary>Runs the workload once (after its own warm-up) and returns one measurement in <see cref="Unit"/>.</summary>
    double Measure();

    /// <summary>Gets whether one measurement is all there is: a process's RSS grows once, so a second sample of an RSS
    /// workload in the same process would only measure memory the first one left reserved.</summary>
    bool MeasureOnce => false;
}
