namespace Greenlets.Internal;

/// <summary>What a <see cref="Fiber"/> runs: an opaque work item of the layer above, which is all a fiber knows of it.</summary>
internal interface IFiberWork
{
    /// <summary>Runs the work on the fiber's thread, until it hands the baton on for the last time.</summary>
    /// <returns>True when the fiber went back to its pool and waits for its next work item; false when the pool was full
    /// and the thread must exit.</returns>
    bool Run();
}
