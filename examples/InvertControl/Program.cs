// Inverting control: XmlWalker pushes elements at a callback; GreenletGenerator turns that into a pull-style
// IEnumerable, so LINQ can stop early. The callback yields from inside the walker's call stack, which a C# iterator
// (`yield return`) cannot do.
using System.Xml;
using Greenlets;
using InvertControl;

const string Document = """
    <library>
      <shelf name="coroutines">
        <book name="greenlet" /><book name="gevent" /><book name="asyncio" />
      </shelf>
      <shelf name="threads">
        <book name="pthreads" /><book name="java.util.concurrent" />
      </shelf>
    </library>
    """;

var elements = new GreenletGenerator<(string Name, int Depth, string? Title)>(yield =>
{
    using var reader = XmlReader.Create(new StringReader(Document));
    try
    {
        XmlWalker.Walk(reader, (name, depth, title) => yield((name, depth, title)));
    }
    finally
    {
        Console.WriteLine("  (walker finished or was stopped; reader disposed)");
    }
});

Console.WriteLine("Every element, pulled one by one:");
foreach (var (name, depth, title) in elements)
{
    Console.WriteLine($"{new string(' ', depth * 2)}<{name}>{(title is null ? string.Empty : " " + title)}");
}

Console.WriteLine();
Console.WriteLine("The first two books only (the walk stops early, and its finally block runs):");
foreach (var book in elements.Where(e => e.Name == "book").Take(2))
{
    Console.WriteLine($"  {book.Title}");
}
