namespace Centrifuge.Tests.Support;

/// <summary>
/// C# source as the compiler sees its names: comments and the text of string and character literals blanked (line
/// breaks kept, so a match's line is its line in the file), the code inside interpolation holes kept
/// (<c>$"{Separator.OutputName(x)}"</c> names a type). Handles verbatim, interpolated and raw strings.
/// </summary>
public static class CSharpCode
{
    public static string Blank(string source)
    {
        char[] s = source.ToCharArray();
        int i = 0;
        Code(s, ref i, inHole: false);
        return new string(s);
    }

    // Code up to the end, or, in an interpolation hole, up to the '}' that closes it (left at i).
    private static void Code(char[] s, ref int i, bool inHole)
    {
        int depth = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '/' && At(s, i + 1) == '/')
                while (i < s.Length && s[i] != '\n') Erase(s, i++);
            else if (c == '/' && At(s, i + 1) == '*')
            {
                Erase(s, i++);
                Erase(s, i++);
                while (i < s.Length && !(s[i] == '*' && At(s, i + 1) == '/')) Erase(s, i++);
                if (i < s.Length) { Erase(s, i++); Erase(s, i++); }
            }
            else if (c == '\'') CharLiteral(s, ref i);
            else if (c is '"' or '$' or '@' && StringStart(s, i) is (true, var prefix, var dollars, var verbatim))
            {
                i += prefix;
                StringBody(s, ref i, dollars, verbatim);
            }
            else if (c == '{') { depth++; i++; }
            else if (c == '}')
            {
                if (inHole && depth == 0) return;
                depth--;
                i++;
            }
            else i++;
        }
    }

    // A string starts at i: the length of its prefix ($, @, $$...), its dollar signs and whether it is verbatim.
    private static (bool Found, int Prefix, int Dollars, bool Verbatim) StringStart(char[] s, int i)
    {
        int j = i, dollars = 0;
        bool verbatim = false;
        for (; j < s.Length && s[j] is '$' or '@'; j++)
            if (s[j] == '$') dollars++;
            else verbatim = true;
        return (At(s, j) == '"', j - i, dollars, verbatim);
    }

    // From the opening quote(s) to past the closing one(s).
    private static void StringBody(char[] s, ref int i, int dollars, bool verbatim)
    {
        int quotes = 0;
        while (At(s, i + quotes) == '"') quotes++;
        if (quotes == 2) { i += 2; return; }   // ""
        bool raw = quotes >= 3;
        i += raw ? quotes : 1;
        while (i < s.Length)
        {
            char c = s[i];
            if (raw && c == '"' && Run(s, i, '"') >= quotes) { i += quotes; return; }
            if (!raw && c == '"')
            {
                if (verbatim && At(s, i + 1) == '"') { Erase(s, i++); Erase(s, i++); continue; }
                i++;
                return;
            }
            if (!raw && !verbatim && c == '\\') { Erase(s, i++); if (i < s.Length) Erase(s, i++); continue; }
            if (dollars > 0 && c == '{')
            {
                int run = Run(s, i, '{');
                // A hole opens with as many braces as dollar signs (one: "{{" is a literal brace).
                bool hole = raw ? run >= dollars : run % 2 == 1;
                if (!hole) { for (int k = 0; k < run; k++) Erase(s, i++); continue; }
                for (int k = 0; k < run; k++) Erase(s, i++);
                Code(s, ref i, inHole: true);
                for (int k = 0; k < Math.Max(1, dollars) && At(s, i) == '}'; k++) Erase(s, i++);
                continue;
            }
            Erase(s, i++);
        }
    }

    private static void CharLiteral(char[] s, ref int i)
    {
        i++;
        while (i < s.Length && s[i] != '\'' && s[i] != '\n')
        {
            if (s[i] == '\\') Erase(s, i++);
            if (i < s.Length) Erase(s, i++);
        }
        i++;
    }

    private static int Run(char[] s, int i, char c)
    {
        int n = 0;
        while (At(s, i + n) == c) n++;
        return n;
    }

    private static char At(char[] s, int i) => i < s.Length ? s[i] : '\0';

    private static void Erase(char[] s, int i)
    {
        if (s[i] is not ('\n' or '\r')) s[i] = ' ';
    }
}
