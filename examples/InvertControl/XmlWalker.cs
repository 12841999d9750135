using System.Xml;

namespace InvertControl;

/// <summary>A push-style parser: it walks a document and calls back once per element, in document order.</summary>
internal static class XmlWalker
{
    public static void Walk(XmlReader reader, Action<string, int, string?> onElement)
    {
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                onElement(reader.Name, reader.Depth, reader.GetAttribute("name"));
            }
        }
    }
}
