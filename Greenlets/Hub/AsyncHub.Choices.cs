using Greenlets.Internal;

namespace Greenlets;

public sealed partial class AsyncHub
{
    /// <summary>Gets or sets the chooser consulted at every choice point (see <see cref="IHubChooser"/>); null, the
    /// default, is gevent's FIFO order at no cost.</summary>
    /// <exception cref="GreenletError">Set from code that is not this hub's tree holding the baton.</exception>
    internal IHubChooser? Chooser
    {
        get => _loop.Choices?.Chooser;
        set
        {
            if (!IsOwnFlow)
            {
                throw new GreenletError($"AsyncHub.Chooser was set from outside the tree of {this}: set it from that tree's code only.");
            }

            _loop.Choices = value is null ? null : new HubChoices(value);
        }
    }

    /// <summary>Gets whether something outside the tree may still wake the hub: a <see cref="WaitAsync(Task)"/> pending
    /// or a post not yet run. A virtual clock jumps to the next timer only when this is false.</summary>
    internal bool WaitsOnRealWork => _loop.WaitsOnRealWork;

    /// <summary>Sets this hub's tree to number default names per tree, from 1 in creation order (the test scheduler's
    /// identical runs record identical events).</summary>
    internal void NumberNamesPerTree() => _tree.LocalNames = 0;
}
