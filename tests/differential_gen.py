"""Random state machines and inputs for tests/differential.py.

A machine is generated together with what is known about its data: a *schema* lists the paths
that exist in a state's input with their types (segments, type, sure), so Choice rules compare
numbers with numbers, intrinsics get arguments they accept, and most executions get somewhere
instead of failing on the first missing path (some still do, on purpose).

Every machine is either *comparable* (it keeps to what aws-local-stepfunctions does as AWS does;
its outcomes are compared with that interpreter's) or not (it may use anything below in
NPM_DIFFERENCES; AOT and JIT are still compared). The tags a machine used are recorded.
"""
import json
import random

# What aws-local-stepfunctions 3.0.0 does differently from AWS: the generator uses these only in
# machines that are not compared with it. tag: (what the interpreter does, what AWS does, evidence).
NPM_DIFFERENCES = {
    "is-false": (
        "Is*: false (IsPresent/IsNull/IsNumeric/IsString/IsBoolean/IsTimestamp) is always false",
        "IsPresent: false is true for a missing path, IsNumeric: false true for a non-number, ...",
        "corpus choice_operators__is_operators__is_null__c03 (IsNull: false on 0 -> true)"),
    "math-add-round": (
        "States.MathAdd adds non-integers as they are",
        "rounds each argument with Java Math.round first: MathAdd(-1.5, 0) = -1, (1.49, 1.5) = 3",
        "corpus intrinsic_functions__math_operations__math_add__r1, r10, r12 ..."),
    "falsy-result": (
        "Pass Result 0, false, \"\" or null is ignored (the input passes through)",
        "Result is the state's result whatever its value",
        "ASL spec, Pass State: 'Result ... is treated as the output of a virtual task'"),
    "resultpath-dollar": (
        "ResultPath \"$\" written out adds a member named \"$\"; any ResultPath needs an "
        "object input",
        "ResultPath \"$\" replaces the whole input with the result (any input type)",
        "AWS docs, ResultPath: '\"ResultPath\": \"$\" ... the output is the result alone'"),
    "resultpath-brackets": (
        "ResultPath in bracket notation ($['r']) writes a member named \"$\"",
        "ResultPath is a Reference Path: $['r'] is the same as $.r",
        "AWS docs, Reference Paths: bracket notation is allowed"),
    "mixed-type-order": (
        "String*/Numeric* ordering operators on a value of another type use JavaScript's < "
        "(\"5\" < 10 is true, null < 1 is true); Timestamp* operators parse anything Date() parses",
        "a comparison with a value of the wrong type is false",
        "ASL spec, Choice Rules: 'a comparison ... of a different type ... returns false'"),
    "path-operand-type": (
        "a *Path operand of the wrong type (StringEqualsPath to a number, ...) is States.Runtime",
        "the comparison is false (types differ)",
        "ASL spec, Choice Rules; UNCONFIRMED on AWS, so only AOT/JIT compare it"),
    "indefinite-path": (
        "wildcards/slices/filters go through jsonpath-plus with wrap:false: no match is "
        "States.Runtime, and path syntax and ordering follow jsonpath-plus",
        "a non-definite path yields an array of all matches, [] when none (Jayway semantics)",
        "ASL spec, Paths; asl-semantics 4.2"),
    "intrinsic-backslash": (
        "every string an intrinsic returns has all its backslashes deleted "
        "(JsonToString of a string with a quote, ...)",
        "JsonToString/Format return the exact text",
        "JSON text escapes quotes and backslashes (RFC 8259); StringToJson(JsonToString(x)) "
        "of such a value crashes the interpreter (SyntaxError)"),
    "intrinsic-errors": (
        "failing intrinsics raise States.Runtime (uncatchable)",
        "States.IntrinsicFailure",
        "ASL spec, Intrinsic functions: 'States.IntrinsicFailure'"),
    "number-text": (
        "JSON numbers print as JavaScript does (3.0 as 3, 1e-7 as 1e-7, 1e21 as 1e+21) in "
        "States.Format and States.JsonToString",
        "Java's rendering (3.0, 1.0E-7, 1.0E21)", "asl-semantics 7.2 and 16.1; UNCONFIRMED "
        "beyond plain decimals, so such numbers only reach non-comparable machines"),
    "format-object": (
        "States.Format rejects object and array arguments",
        "renders them Java-style: {Arg1=1, Arg2=[]}",
        "asl-semantics T22 (LocalStack's AWS-validated format snapshots)"),
    "array-get-item-range": (
        "States.ArrayGetItem out of range returns null",
        "an error", "asl-semantics 7.2 (name UNCONFIRMED)"),
    "string-split": (
        "States.StringSplit splits on the whole separator and keeps empty strings",
        "every character of the separator splits; empty segments are dropped",
        "corpus intrinsic_functions__string_operations__string_split__r2, r3, r5, r6"),
    "math-random": (
        "States.MathRandom(a, b) may return b; its seeded sequence is its own",
        "end is exclusive", "AWS docs, States.MathRandom"),
    "non-ascii-base64": (
        "Base64Encode uses btoa (Latin-1; throws on other characters), Base64Decode atob",
        "UTF-8 bytes", "UNCONFIRMED on AWS; AOT/JIT only"),
    "nested-context": (
        "inside Map iterations and Parallel branches $$.Execution.Input is the branch input",
        "$$.Execution.Input is the execution's input everywhere",
        "AWS docs, Context object: Execution.Input"),
    "non-object-input": (
        "needs an object execution input for ResultPath; (see falsy-result, resultpath-dollar)",
        "any JSON value is an execution input", "AWS docs, StartExecution input"),
    "string-matches-escapes": (
        "StringMatches goes through wildcard-match: ? and [ ] are special, escapes differ",
        "only * is special; \\* and \\\\ escape", "ASL spec, StringMatches"),
    "offset-timestamps": (
        "Date() parsing of offsets and sub-millisecond digits",
        "RFC 3339 instants", "UNCONFIRMED on AWS (asl-semantics 17.6); AOT/JIT only"),
    "string-to-json-blank": (
        "States.StringToJson('') and ('  ') throw a JavaScript SyntaxError (the run crashes)",
        "null", "corpus intrinsic_functions__json_manipulation__string_to_json__r0"),
    "falsy-root": (
        "any path ($, $.x) into a state input that is 0, \"\", false or null fails: "
        "States.Runtime 'Path expression '$' does not point to a value' (jsonpath-plus)",
        "$ is the value itself", "ASL spec, Paths: '$' is the whole input"),
    "json-merge-aliasing": (
        "States.JsonMerge(a, b, false) merges b into the object a points to (Object.assign), so "
        "later references to $.a in the same state see the merged object, and merging an "
        "object into its own member makes a cycle (RangeError: Maximum call stack size)",
        "a new object; the input is unchanged",
        "AWS docs, States.JsonMerge; intrinsic functions do not modify the state input"),
    "validator-template-arrays": (
        "its validator (asl-validator, only with --npm-validate) rejects a payload template whose "
        "array holds null or \"\" under a key of 3 or more characters ({\"val\": [null]}): the "
        "pattern for keys not ending in .$ requires not_jsonata strings (.+) or non-null items",
        "any JSON value is a valid literal in a payload template",
        "ASL spec, Payload Template: fields without .$ are copied as they are"),
    "payload-limit": (
        "no limit on the size of state data",
        "States.DataLimitExceeded when a state's output is over 256 KiB",
        "AWS docs, Quotas: 256 KiB payload; corpus DataLimitExceeded cases; not compared"),
    "caught-fail-defaults": (
        "a caught Fail state without Error or Cause gives the Error Output "
        "{\"Error\": \"FailStateError\", \"Cause\": \"Execution failed because of a Fail state\"}",
        "no such texts: AWS reports no error and no cause for such a Fail (ExecutionFailed with "
        "empty details); aslc puts null in the Error Output (as AWS does for a task failure "
        "without error/cause); the exact AWS Error Output is UNCONFIRMED",
        "corpus scenarios__base_scenarios__map_state_catch_empty_fail (empty details); "
        "asl-semantics T17"),
    "hash-multiblock": (
        "its own MD5/SHA-1/SHA-256 are wrong for inputs of 56 bytes or more, SHA-384/512 for 112 "
        "or more (States.Hash('aaa...a' (56 a's), 'MD5') is not md5 of the text)",
        "the standard digests",
        "RFC 1321 / FIPS 180-4 (Python's hashlib and aslc agree); corpus hash__r0..r4 are "
        "standard digests of a short input"),
    "catch-runtime-causes": (
        "caught States.* errors carry the interpreter's own Cause texts",
        "AWS's texts", "corpus cases show AWS's cause templates (asl-semantics 4.4)"),
}

TS_POOL = ["2016-03-14T01:59:00Z", "2016-03-14T01:59:00.000Z", "2016-03-14T01:59:00.5Z",
           "2016-03-14T01:59:01Z", "2020-02-29T12:00:00Z", "1999-12-31T23:59:59Z",
           "2016-03-14T01:59:00.123Z", "2000-01-01T00:00:00Z"]
TS_ODD = ["2016-03-14T02:59:00+01:00", "2016-03-14T01:59:00.123456Z", "2016-13-01T00:00:00Z",
          "2016-03-14 01:59:00Z", "2016-03-14T01:59:00", "2016-03-14t01:59:00z"]
STR_POOL = ["", "a", "abc", "Abc", "b", "hello world", "x,y,z", "zzz", "A", "123", "true",
            "null", "a*b", "ab", "aab", "key-1", "Z9"]
USTR_POOL = ["h\u00e9llo", "\u65e5\u672c", "\U0001F600", "\uffff", "\u00e9", "a\u00e9b", "\u0100"]
ODD_STR = ["say \"hi\"", "back\\slash", "tab\there", "new\nline", "{}", "a(b", "it's"]
SINT_POOL = [-3, -1, 0, 1, 2, 3, 7, 10, 42, 100, -100]
BIGINT_POOL = [2147483647, -2147483648, 9007199254740991, 1000000000000, -99999999999]
# numbers whose text is the same in JavaScript, Java and C renderings; the others in NUM_ODD
NUM_POOL = [0.5, -0.5, 1.5, 2.25, -2.5, 0.1, 123456.789]
NUM_ODD = [1e21, 1e300, -0.0, 5e-324, 1e-7, 3.0, 0.30000000000000004]
ERR_NAMES = ["ErrA", "ErrB", "Custom.Error", "E\u00e9"]
KEY_POOL = ["p", "q", "val", "x y", "\u00fc", "k-2", "n0"]
HASH_ALGS = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]

# Top-level input fields: name -> type. "zero" is always 0 (Wait SecondsPath), "w" any type.
TOP_FIELDS = {"a": "sint", "c": "sint", "e": "bigint", "b": "num", "s": "str", "s2": "str",
              "u": "ustr", "t": "ts", "t2": "ts", "f": "bool", "n": "null", "arr": "arr",
              "objs": "objs", "o": "obj", "w": "any", "zero": "zero", "sp ace": "str"}
NUMERIC = ("sint", "bigint", "num", "zero")
# types of values that come from the execution input as they are (no intrinsic results inside)
INPUT_TYPES = ("sint", "bigint", "num", "zero", "str", "ustr", "ts", "bool", "null", "arr", "objs")
STRINGY = ("str", "ustr", "ts", "lstr")  # lstr: a string of any length (intrinsic results)


def ident(name):
    return name.isidentifier() and name.isascii()


class Gen:
    def __init__(self, rng, comparable):
        self.rng = rng
        self.comparable = comparable
        self.tags = set()
        self.names = 0
        self.results = 0
        # Once a string with a quote in it (a JsonToString result) may be in the data, a second
        # JsonToString over it would put backslashes in a string, which the interpreter deletes
        # (intrinsic-backslash): comparable machines then stringify only input values.
        self.quoted = False

    # ---- helpers -------------------------------------------------------------------------
    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def unsafe(self, tag, p):
        """True (and tag recorded) with probability p when npm comparison is off."""
        if self.comparable or not self.chance(p):
            return False
        self.tags.add(tag)
        return True

    def state_name(self):
        self.names += 1
        if self.chance(0.1):
            names = ["Pass %d \u00fc", "st-%d \"q\"", "S/%d\\", "\u72b6\u6001%d"]
            return self.pick(names) % self.names
        return "S%d" % self.names

    def render(self, segs, brackets_ok=True):
        out = "$"
        for s in segs:
            if isinstance(s, int):
                out += "[%d]" % s
            elif ident(s) and not (brackets_ok and self.chance(0.15)):
                out += "." + s
            else:
                out += "['%s']" % s
        return out

    # ---- values --------------------------------------------------------------------------
    def value(self, typ):
        r = self.rng
        if typ == "sint":
            return self.pick(SINT_POOL)
        if typ == "zero":
            return 0
        if typ == "bigint":
            return self.pick(BIGINT_POOL)
        if typ == "num":
            return self.pick(NUM_POOL + SINT_POOL)
        if typ == "str":
            return self.pick(STR_POOL)
        if typ == "ustr":
            return self.pick(USTR_POOL + STR_POOL[:4])
        if typ == "ts":
            return self.pick(TS_POOL)
        if typ == "bool":
            return self.chance(0.5)
        if typ == "null":
            return None
        if typ == "arr":
            return [self.pick(SINT_POOL) for _ in range(r.randrange(5))]
        if typ == "objs":
            return [{"x": self.pick(SINT_POOL), "y": self.pick(STR_POOL)}
                    for _ in range(r.randrange(4))]
        if typ == "obj":
            return {"x": self.pick(SINT_POOL), "y": self.pick(STR_POOL),
                    "z": {"k": self.chance(0.5)}}
        return self.any_value()

    def any_value(self, depth=0):
        kinds = ["sint", "num", "str", "ustr", "ts", "bool", "null"]
        if depth < 2:
            kinds += ["list", "dict"]
        k = self.pick(kinds)
        if k == "list":
            return [self.any_value(depth + 1) for _ in range(self.rng.randrange(3))]
        if k == "dict":
            return {self.pick(KEY_POOL): self.any_value(depth + 1)
                    for _ in range(self.rng.randrange(3))}
        return self.value(k)

    def literal(self):
        """A literal for a payload template or Pass Result."""
        v = self.any_value()
        if not self.comparable and self.chance(0.05):
            self.tags.update(["number-text", "intrinsic-backslash"])
            v = self.pick(ODD_STR + NUM_ODD + TS_ODD)
        return v

    def top_schema(self):
        sch = [((), "obj", True)]
        for name, typ in TOP_FIELDS.items():
            sch.append(((name,), typ, True))
            if typ == "obj":
                sch += [((name, "x"), "sint", True), ((name, "y"), "str", True),
                        ((name, "z"), "any", True), ((name, "z", "k"), "bool", True)]
            elif typ == "arr":
                sch += [((name, 0), "sint", False), ((name, 1), "sint", False)]
            elif typ == "objs":
                sch += [((name, 0), "any", False), ((name, 0, "x"), "sint", False),
                        ((name, 1, "y"), "str", False)]
        return sch

    def input_for(self, fields, scalar_ok):
        doc = {name: self.value(typ) for name, typ in fields.items()}
        if self.chance(0.15):  # a missing field: a path error somewhere, the same everywhere
            del doc[self.pick(list(doc))]
        if not self.comparable and self.chance(0.2):
            self.tags.update(["mixed-type-order", "number-text", "intrinsic-backslash"])
            doc[self.pick(list(doc))] = self.pick([self.any_value(), self.pick(ODD_STR),
                                                   self.pick(TS_ODD), self.pick(NUM_ODD)])
        if scalar_ok and not self.comparable and self.chance(0.05):
            self.tags.add("non-object-input")
            return self.any_value()
        return doc

    # ---- paths ---------------------------------------------------------------------------
    def path_of(self, schema, types=None, sure_p=0.9):
        """A path (segments, type) into the schema, of one of the types if given; None if none."""
        cands = [e for e in schema if types is None or e[1] in types]
        if not cands:
            return None
        sure = [e for e in cands if e[2]]
        if sure and self.chance(sure_p):
            cands = sure
        segs, typ, _ = self.pick(cands)
        if self.chance(0.02):  # a path that is not there
            return segs + ("missing",), typ
        return segs, typ

    def ref(self, schema, types=None, ctx=None):
        """A rendered path string to a value of one of the types, or None."""
        p = self.path_of(schema, types)
        if p is None:
            return None
        if not self.comparable and self.chance(0.05):
            self.tags.add("indefinite-path")
            return self.pick(["$..x", "$.arr[*]", "$.objs[*].y", "$.arr[1:]", "$.arr[-1:]",
                              "$.objs[?(@.x > 1)]", "$.arr[0,1]", "$.*"])
        return self.render(p[0])

    # ---- intrinsics ----------------------------------------------------------------------
    def str_lit(self):
        s = self.pick(STR_POOL)
        if not self.comparable and self.chance(0.1):
            s = self.pick(["a\\'b", "\\{\\}", "x\\\\y", "\u00e9t\u00e9"])
        return "'%s'" % s

    def arg(self, schema, types, depth, lit=None, nested=True):
        """An intrinsic argument: a path, a literal or a nested call, of one of the types."""
        r = self.rng.random()
        if r < 0.55:
            p = self.ref(schema, types)
            if p is not None:
                return p
        if depth < 2 and r < 0.75 and nested:
            call = self.intrinsic(schema, depth + 1, want=types)
            if call is not None:
                return call[0]
        if lit is not None:
            return lit()
        t = self.pick(types)
        if t in ("str", "ustr"):
            return self.str_lit()
        if t in ("sint", "zero", "num"):
            return str(self.pick(SINT_POOL))
        if t == "bool":
            return self.pick(["true", "false"])
        if t == "null":
            return "null"
        if t == "ts":
            return "'%s'" % self.pick(TS_POOL)
        return None

    def intrinsic(self, schema, depth=0, want=None):
        """(call text, result type) of a random intrinsic, of a wanted result type if given."""
        sep = ", " if self.chance(0.7) else ","
        fns = ["Format", "StringToJson", "JsonToString", "Array", "ArrayPartition",
               "ArrayContains", "ArrayRange", "ArrayGetItem", "ArrayLength", "ArrayUnique",
               "Base64Encode", "Base64Decode", "Hash", "JsonMerge", "MathAdd", "StringSplit",
               "UUIDLength"]
        if not self.comparable:
            fns += ["MathRandom"]
        results = {"Format": "lstr", "StringToJson": "any", "JsonToString": "lstr",
                   "Array": "any", "ArrayPartition": "any", "ArrayContains": "bool",
                   "ArrayRange": "arr", "ArrayGetItem": "any", "ArrayLength": "sint",
                   "ArrayUnique": "arr", "Base64Encode": "lstr", "Base64Decode": "lstr",
                   "Hash": "lstr", "JsonMerge": "obj", "MathAdd": "sint", "StringSplit": "any",
                   "UUIDLength": "sint", "MathRandom": "sint"}
        if want is not None:
            fns = [f for f in fns if results[f] in want or results[f] == "any" and "any" in want]
            if not fns:
                return None
        if want is None and self.unsafe("intrinsic-errors", 0.03):  # fail at run time
            return self.pick(["States.Hash($.s, $.s2)", "States.ArrayRange(0, $.e, 1)",
                              "States.Base64Decode($.s)", "States.StringToJson($.s)",
                              "States.ArrayPartition($.arr, $.a)", "States.MathAdd($.s, 1)",
                              "States.ArrayGetItem($.arr, $.a)"]), "any"
        fn = self.pick(fns)
        a = lambda types, lit=None: self.arg(schema, types, depth, lit)  # noqa: E731
        scalar = ["str", "ustr", "lstr", "sint", "bool", "null", "ts"]
        if fn == "Format":
            n = self.rng.randrange(3)
            parts = self.pick(["v{}", "{} and {}", "<{}|{}|{}>", "none", "{}"])
            n = parts.count("{}")
            types = scalar + ["num", "bigint"]  # pool numbers print the same everywhere
            if self.unsafe("format-object", 0.1):
                types = types + ["obj", "arr", "any"]
            if self.quoted and self.comparable:
                types = [t for t in types if t != "lstr"]
            args = ["'%s'" % parts] + [a(types) or "'x'" for _ in range(n)]
            return "States.Format(%s)" % sep.join(args), "lstr"
        if fn == "StringToJson":
            texts = ['{"a": 1}', "[1, 2]", "3", "true", "null", '"x"', " [ ] "]
            if self.unsafe("string-to-json-blank", 0.3):
                texts = ["", " ", "-0"]
            inner = self.pick(["States.JsonToString(%s)" % self.stringified(schema),
                               "'%s'" % self.pick(texts)])
            return "States.StringToJson(%s)" % inner, "any"
        if fn == "JsonToString":
            p = self.stringified(schema)
            self.quoted = True
            return "States.JsonToString(%s)" % p, "lstr"
        if fn == "Array":
            args = [a(scalar + ["any"]) or "1" for _ in range(self.rng.randrange(4))]
            return "States.Array(%s)" % sep.join(args), "any"
        if fn == "ArrayPartition":
            arr = a(["arr"], lambda: "States.Array(1, 2, 3)")
            return "States.ArrayPartition(%s%s%d)" % (arr, sep, self.pick([1, 2, 3, 5])), "any"
        if fn == "ArrayContains":
            arr = a(["arr"], lambda: "States.Array(1, 'a', null)")
            return "States.ArrayContains(%s%s%s)" % (arr, sep, a(scalar + ["any"]) or "1"), "bool"
        if fn == "ArrayRange":
            lo, hi = self.pick(SINT_POOL), self.pick(SINT_POOL)
            step = self.pick([1, 2, 3, -1, -2, 7])
            return "States.ArrayRange(%d%s%d%s%d)" % (lo, sep, hi, sep, step), "arr"
        if fn == "ArrayGetItem":
            if self.unsafe("array-get-item-range", 0.3):
                return "States.ArrayGetItem(%s%s%d)" % (self.ref(schema, ["arr"]) or "$.arr",
                                                        sep, self.pick([0, 1, 3, 9])), "any"
            items = [a(scalar) or "1" for _ in range(3)]
            return "States.ArrayGetItem(States.Array(%s)%s%d)" % (
                sep.join(items), sep, self.rng.randrange(3)), "any"
        if fn == "ArrayLength":
            return "States.ArrayLength(%s)" % a(["arr"], lambda: "States.Array(1, 2)"), "sint"
        if fn == "ArrayUnique":
            return "States.ArrayUnique(%s)" % a(["arr"], lambda: "States.Array(1, 1, 2)"), "arr"
        if fn in ("Base64Encode", "Base64Decode"):
            types = ["str"]
            if self.unsafe("non-ascii-base64", 0.3):
                types = ["str", "ustr"]
            text = a(types) or "'abc'"
            if fn == "Base64Encode":
                return "States.Base64Encode(%s)" % text, "lstr"
            return "States.Base64Decode(States.Base64Encode(%s))" % text, "lstr"
        if fn == "Hash":  # short strings only (lstr may be long), unless hash-multiblock
            text = self.arg(schema, ["str", "ustr"], depth, nested=False) or "'x'"
            if self.unsafe("hash-multiblock", 0.5):
                text = a(["lstr"]) or "States.JsonToString($)"
            return "States.Hash(%s%s'%s')" % (text, sep, self.pick(HASH_ALGS)), "lstr"
        if fn == "JsonMerge":
            x = self.ref(schema, ["obj"])
            if x is None:
                x = "States.StringToJson('{\"a\": 1}')"
            elif self.quoted and self.comparable:
                x = "States.StringToJson('{\"a\": 1}')"
            elif not self.unsafe("json-merge-aliasing", 0.5):
                x = "States.StringToJson(States.JsonToString(%s))" % x  # a copy
            y = self.pick(["States.StringToJson('{\"x\": 5, \"q\": [1]}')",
                           self.ref(schema, ["obj"]) or "States.StringToJson('{}')"])
            return "States.JsonMerge(%s%s%s%sfalse)" % (x, sep, y, sep), "obj"
        if fn == "MathAdd":
            if self.unsafe("math-add-round", 0.3):
                return "States.MathAdd(%s%s%s)" % (a(["num"]) or "1.5", sep,
                                                   self.pick(["0", "1.5", "-0.5"])), "sint"
            return "States.MathAdd(%s%s%s)" % (a(["sint"]) or "1", sep, a(["sint"]) or "2"), "sint"
        if fn == "StringSplit":
            if self.unsafe("string-split", 0.4):
                return "States.StringSplit(%s%s%s)" % (a(["str"]) or "'a,,b'", sep,
                                                       self.pick(["','", "', '", "'xy'"])), "any"
            return "States.StringSplit('%s'%s',')" % (
                self.pick(["a,b,c", "one", "x,y", "1,2,3,4"]), sep), "any"
        if fn == "UUIDLength":  # random, so only its shape is used
            return "States.ArrayLength(States.StringSplit(States.UUID()%s'-'))" % sep, "sint"
        if fn == "MathRandom":
            self.tags.add("math-random")
            return "States.MathRandom(%d%s%d%s%d)" % (1, sep, self.pick([2, 5, 100]), sep,
                                                       self.pick([1, 7, 42])), "sint"
        raise AssertionError(fn)

    def stringified(self, schema):
        """The path argument of a JsonToString."""
        if self.quoted and not self.unsafe("intrinsic-backslash", 0.5):
            return self.ref(schema, INPUT_TYPES) or "$.a"
        return self.ref(schema, None) or "$"

    # ---- payload templates ---------------------------------------------------------------
    def template(self, schema, ctx, depth=0):
        """(template, schema of its result) for Parameters/ItemSelector/ResultSelector."""
        out, res = {}, []
        for _ in range(self.rng.randrange(1, 5)):
            key = self.pick(KEY_POOL)
            if key in out or key + ".$" in out:
                continue
            r = self.rng.random()
            if r < 0.35:
                p = self.path_of(schema)
                if p is not None:
                    out[key + ".$"] = self.render(p[0])
                    res.append(((key,), p[1], False))
                    continue
            if r < 0.6:
                call, typ = self.intrinsic(schema)
                out[key + ".$"] = call
                res.append(((key,), typ, True))
                continue
            if r < 0.7 and ctx.get("map_item"):
                out[key + ".$"] = self.pick(["$$.Map.Item.Value", "$$.Map.Item.Index"])
                res.append(((key,), "any", True))
                continue
            if r < 0.75:
                if ctx.get("nested") and not self.unsafe("nested-context", 0.5):
                    out[key + ".$"] = "$"
                else:
                    out[key + ".$"] = self.pick(["$", "$$.Execution.Input"])
                res.append(((key,), "any", True))
                continue
            if r < 0.85 and depth < 2:
                sub, subres = self.template(schema, ctx, depth + 1)
                out[key] = sub
                res += [((key,) + s, t, q) for s, t, q in subres]
                continue
            v = self.literal()
            if not self.unsafe("validator-template-arrays", 0.5):
                v = without_blank_items(v)
            out[key] = v
            res.append(((key,), "any", True))
        return out, [((), "obj", True)] + res

    # ---- Choice rules --------------------------------------------------------------------
    def rule(self, schema, depth=0):
        r = self.rng.random()
        if depth < 3 and r < 0.25:
            op = self.pick(["And", "Or", "Not"])
            if op == "Not":
                return {"Not": self.rule(schema, depth + 1)}
            return {op: [self.rule(schema, depth + 1) for _ in range(self.rng.randrange(1, 4))]}
        return self.data_test(schema)

    def data_test(self, schema):
        fam = self.pick(["num", "num", "str", "str", "bool", "ts", "is", "eq"])
        if fam == "num":
            p = self.path_of(schema, NUMERIC)
            if p is not None:
                op = "Numeric" + self.pick(["Equals", "LessThan", "GreaterThan",
                                            "LessThanEquals", "GreaterThanEquals"])
                return self.compare(schema, p, op, NUMERIC, lambda: self.value(
                    self.pick(["sint", "num", "bigint"])))
        if fam == "str":
            p = self.path_of(schema, STRINGY)
            if p is not None:
                if self.chance(0.2):
                    return {"Variable": self.render(p[0]), "StringMatches": self.pattern()}
                op = "String" + self.pick(["Equals", "LessThan", "GreaterThan",
                                           "LessThanEquals", "GreaterThanEquals"])
                return self.compare(schema, p, op, STRINGY, lambda: self.value(
                    self.pick(["str", "ustr", "ts"])))
        if fam == "bool":
            p = self.path_of(schema, ["bool"])
            if p is not None:
                return self.compare(schema, p, "BooleanEquals", ["bool"], lambda: self.chance(.5))
        if fam == "ts":
            p = self.path_of(schema, ["ts"])
            if p is not None:
                op = "Timestamp" + self.pick(["Equals", "LessThan", "GreaterThan",
                                              "LessThanEquals", "GreaterThanEquals"])
                return self.compare(schema, p, op, ["ts"], self.ts_literal)
        if fam == "eq":  # equality on a value of any type is false, not an error, everywhere
            p = self.path_of(schema)
            if p is not None:
                op, lit = self.pick([("StringEquals", lambda: self.value("str")),
                                     ("NumericEquals", lambda: self.value("sint")),
                                     ("BooleanEquals", lambda: self.chance(0.5))])
                return {"Variable": self.render(p[0]), op: lit()}
        p = self.path_of(schema, sure_p=0.6)
        op = self.pick(["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean",
                        "IsTimestamp"])
        if p is None:
            p, op = (("zz",), "any"), "IsPresent"
        return {"Variable": self.render(p[0]), op: not self.unsafe("is-false", 0.4)}

    def compare(self, schema, p, op, types, literal):
        var = self.render(p[0])
        if self.unsafe("mixed-type-order", 0.1):
            p2 = self.path_of(schema)
            var = self.render(p2[0]) if p2 else var
        if self.chance(0.3):
            other = self.path_of(schema, [p[1]] if op.startswith("Timestamp") else types)
            if self.unsafe("path-operand-type", 0.2):
                other = self.path_of(schema)
            if other is not None:
                return {"Variable": var, op + "Path": self.render(other[0])}
        return {"Variable": var, op: literal()}

    def ts_literal(self):
        if self.unsafe("offset-timestamps", 0.2):
            return self.pick(TS_ODD[:2])
        return self.pick(TS_POOL)

    def pattern(self):
        s = self.pick(STR_POOL + USTR_POOL)
        chars = list(s)
        for i in range(len(chars)):
            if self.chance(0.3):
                chars[i] = "*"
        if self.chance(0.3):
            chars.insert(self.rng.randrange(len(chars) + 1), "*")
        if self.unsafe("string-matches-escapes", 0.2):
            chars.insert(self.rng.randrange(len(chars) + 1), self.pick(["\\*", "\\\\", "?", "["]))
        return "".join(chars)

    # ---- states --------------------------------------------------------------------------
    def result_path(self, rschema, schema, raw_schema):
        """Fills (ResultPath, output schema) given the result's schema and the raw input's."""
        r = self.rng.random()
        self.results += 1
        name = "r%d" % self.results
        if r < 0.15:
            return {}, rschema
        if r < 0.22:
            return {"ResultPath": None}, raw_schema
        if r < 0.27 and self.unsafe("resultpath-dollar", 1):
            return {"ResultPath": "$"}, rschema
        if r < 0.35:
            tgt = ("o", name) if any(e[0] == ("o",) for e in raw_schema) else ("deep", name)
        else:
            tgt = (name,)
        keep = [e for e in raw_schema if e[0][:len(tgt)] != tgt]
        path = self.render(tgt, brackets_ok=False)
        if self.unsafe("resultpath-brackets", 0.1):
            path = self.render(tgt)
        return ({"ResultPath": path},
                keep + [(tgt + s, t, q) for s, t, q in rschema])

    def io_paths(self, st, schema):
        """Maybe InputPath; returns the effective input's schema."""
        if self.chance(0.15):
            objs = [e for e in schema if e[1] == "obj" and e[2]]
            if objs and self.chance(0.6):
                segs = self.pick(objs)[0]
                st["InputPath"] = self.render(segs)
                return reroot(schema, segs)
            st["InputPath"] = self.pick(["$", None])
            return schema if st["InputPath"] == "$" else []
        return schema

    def output_path(self, st, schema):
        if self.chance(0.1):
            types = ("obj", "any") if self.unsafe("falsy-root", 0.5) else ("obj",)
            objs = [e for e in schema if e[1] in types and e[2]]
            if objs and self.chance(0.5):
                segs = self.pick(objs)[0]
                st["OutputPath"] = self.render(segs)
                return reroot(schema, segs)
            st["OutputPath"] = self.pick(["$", None])
            return schema if st["OutputPath"] == "$" else []
        return schema

    def machine(self, schema, ctx, size):
        """({StartAt, States}, outcome schema unknown) of about `size` states."""
        n = max(1, size)
        names = [self.state_name() for _ in range(n)]
        incoming = [[] for _ in range(n)]
        incoming[0].append(schema)
        states = {}
        for i, name in enumerate(names):
            ins = incoming[i] or [schema]
            sch = ins[0]
            for other in ins[1:]:
                sch = intersect(sch, other)
            later = list(range(i + 1, n))

            def target():
                return i + 1 if self.chance(0.6) else self.pick(later)

            kinds = ["Pass", "Pass", "Choice", "Wait", "Map", "Parallel", "Pass"]
            if ctx["depth"] >= 2:
                kinds = ["Pass", "Pass", "Choice", "Wait"]
            last = not later
            kind = self.pick(kinds + (["Succeed", "Fail"] if last else []))
            if last and kind == "Choice":
                kind = "Succeed"
            st, out_sch, extra_edges = self.state(kind, sch, ctx)
            if kind not in ("Succeed", "Fail", "Choice"):
                if last or self.chance(0.05):
                    st["End"] = True
                else:
                    j = target()
                    st["Next"] = names[j]
                    incoming[j].append(out_sch)
            if kind == "Choice":
                if last:
                    raise AssertionError("Choice last")
                for rule in st["Choices"]:
                    j = target()
                    rule["Next"] = names[j]
                    incoming[j].append(out_sch)
                if self.chance(0.8):
                    j = target()
                    st["Default"] = names[j]
                    incoming[j].append(out_sch)
            for rule, edge_schema in extra_edges:  # Catch
                if not later:
                    st.pop("Catch", None)
                    break
                j = target()
                rule["Next"] = names[j]
                incoming[j].append(edge_schema)
            states[name] = st
        drop_unreachable(names[0], states)
        return {"StartAt": names[0], "States": states}

    def nofail_machine(self, schema, ctx, size):
        """A branch or iteration that cannot fail: when two branches of a Parallel (or two
        concurrent Map iterations) fail, which error wins is a race, on AWS too."""
        obj_root = ((), "obj", True) in schema
        names = [self.state_name() for _ in range(max(1, size))]
        states = {}
        for i, name in enumerate(names):
            kind = self.pick(["Pass", "Pass", "Wait", "Choice"] if i + 1 < len(names) else
                             ["Pass", "Wait", "Succeed"])
            st = {"Type": kind}
            if kind == "Pass":
                if self.chance(0.4):
                    st["Result"] = self.any_value() or {"lit": 1}
                elif self.chance(0.7):
                    st["Parameters"] = self.nofail_template(obj_root, ctx)
                if obj_root and self.chance(0.5):
                    st["ResultPath"] = "$.r%d" % self.names
                elif self.chance(0.3):
                    st["ResultPath"] = None
                elif "Parameters" in st:
                    obj_root = True
                elif "Result" in st:
                    obj_root = isinstance(st["Result"], dict)
            elif kind == "Wait":
                st.update(self.pick([{"Seconds": 0}, {"Timestamp": self.pick(TS_POOL)}]))
            elif kind == "Choice":
                paths = [self.render(e[0]) for e in schema] or ["$.zz"]
                st["Choices"] = [{"Variable": self.pick(paths), "IsPresent": True,
                                  "Next": names[i + 1]}]
                st["Default"] = names[i + 1]
            if kind not in ("Choice", "Succeed"):
                st.update({"Next": names[i + 1]} if i + 1 < len(names) else {"End": True})
            states[name] = st
        return {"StartAt": names[0], "States": states}

    def nofail_template(self, obj_root, ctx):
        out = {}
        for _ in range(self.rng.randrange(1, 4)):
            key = self.pick(KEY_POOL)
            if key in out or key + ".$" in out:
                continue
            r = self.rng.random()
            if r < 0.3 and ctx.get("map_item"):
                out[key + ".$"] = self.pick(["$$.Map.Item.Value", "$$.Map.Item.Index"])
            elif r < 0.5 and obj_root:
                out[key + ".$"] = "$"
            elif r < 0.6:
                out[key + ".$"] = "States.Array(1, 'two', null)"
            else:
                out[key] = without_blank_items(self.any_value())
        return out

    def state(self, kind, schema, ctx):
        if kind == "Map" and not any(e[1] in ("arr", "objs") for e in schema) and self.chance(.9):
            kind = "Pass"  # nothing to iterate over
        st = {"Type": kind}
        raw = schema
        edges = []
        if kind == "Pass":
            eff = self.io_paths(st, schema)
            if self.chance(0.3):
                res = self.literal()
                if not res and res != [] and res != {} and not self.unsafe("falsy-result", 1):
                    res = {"lit": res}
                st["Result"] = res
                rsch = literal_schema(res)
            elif self.chance(0.75):
                st["Parameters"], rsch = self.template(eff, ctx)
            else:
                rsch = eff
            fields, out = self.result_path(rsch, eff, raw)
            st.update(fields)
            out = self.output_path(st, out)
            return st, out, edges
        if kind == "Choice":
            eff = self.io_paths(st, schema)
            st["Choices"] = [self.rule(eff) for _ in range(self.rng.randrange(1, 4))]
            out = self.output_path(st, eff)
            return st, out, edges
        if kind == "Wait":
            eff = self.io_paths(st, schema)
            zero = [e for e in eff if e[1] == "zero" and e[2]]
            tss = [e for e in eff if e[1] == "ts" and e[2]]
            w = self.rng.random()
            if w < 0.3 and zero:
                st["SecondsPath"] = self.render(self.pick(zero)[0], brackets_ok=False)
            elif w < 0.5 and tss:
                st["TimestampPath"] = self.render(self.pick(tss)[0], brackets_ok=False)
            elif w < 0.7:
                st["Timestamp"] = self.pick(TS_POOL)
            else:
                st["Seconds"] = 0
            return st, self.output_path(st, eff), edges
        if kind == "Succeed":
            eff = self.io_paths(st, schema)
            self.output_path(st, eff)
            return st, [], edges
        if kind == "Fail":
            strs = [e for e in schema if e[1] in ("str", "ustr") and e[2]]
            # in a branch a Catch may turn a missing Error or Cause into data
            both = ctx["nested"] and not self.unsafe("caught-fail-defaults", 0.5)
            if both or self.chance(0.85):
                if strs and self.chance(0.2):
                    st["ErrorPath"] = self.render(self.pick(strs)[0])
                else:
                    st["Error"] = self.pick(ERR_NAMES)
            if both or self.chance(0.8):
                if strs and self.chance(0.3):
                    st["CausePath"] = self.render(self.pick(strs)[0])
                else:
                    st["Cause"] = self.pick(["boom", "it failed", "\u00fcber", "x"])
            return st, [], edges
        # Map and Parallel
        eff = self.io_paths(st, schema)
        inner_ctx = dict(ctx, depth=ctx["depth"] + 1, nested=True, map_item=False)
        if kind == "Parallel":
            if self.chance(0.3):
                st["Parameters"], eff = self.template(eff, ctx)
            n = self.rng.randrange(1, 4)
            failable = self.rng.randrange(n)
            st["Branches"] = [
                (self.machine if b == failable else self.nofail_machine)(
                    eff, inner_ctx, self.rng.randrange(1, 4)) for b in range(n)]
        else:
            arrays = [e for e in eff if e[1] in ("arr", "objs") and e[2]]
            if arrays and self.chance(0.9):
                segs, typ, _ = self.pick(arrays)
                st["ItemsPath"] = self.render(segs, brackets_ok=False)
            else:
                typ = "arr"
                st["ItemsPath"] = "$.arr"
            item = [((), "sint", True)] if typ == "arr" else [
                ((), "obj", True), (("x",), "sint", True), (("y",), "str", True)]
            # a processor that may fail runs one item at a time (else which fails first is a
            # race); only iterations that cannot fail run concurrently
            failable = self.chance(0.7)
            key = self.pick(["ItemSelector", "ItemSelector", "Parameters"])
            # items that are 0, "", false or null: the interpreter fails on any path into them
            if typ == "arr" and not self.unsafe("falsy-root", 0.5):
                st[key] = {}
            if self.chance(0.6) or key in st:
                if failable:
                    sel, item = self.template(eff, dict(ctx, map_item=True))
                else:
                    sel = self.nofail_template(False, dict(ctx, map_item=True))
                    item = [((), "obj", True)] + [((k,), "any", True) for k in sel
                                                  if not k.endswith(".$")]
                st[key] = sel
            if failable:
                st["MaxConcurrency"] = 1
            elif self.chance(0.5):
                st["MaxConcurrency"] = self.pick([0, 2])
            proc = (self.machine if failable else self.nofail_machine)(
                item, dict(inner_ctx, map_item=False), self.rng.randrange(1, 4))
            st[self.pick(["ItemProcessor", "ItemProcessor", "Iterator"])] = proc
        rsch = [((), "any", True)]
        if self.chance(0.25):
            st["ResultSelector"] = {"n.$": "States.ArrayLength($)", "all.$": "$"}
            rsch = [((), "obj", True), (("n",), "sint", True), (("all",), "any", True)]
        fields, out = self.result_path(rsch, eff, raw)
        st.update(fields)
        out = self.output_path(st, out)
        if self.chance(0.3):
            names = self.rng.sample(ERR_NAMES, self.rng.randrange(1, 3))
            if self.unsafe("catch-runtime-causes", 0.5):
                names = ["States.ALL"]
            catcher = {"ErrorEquals": names}
            cschema = [((), "obj", True), (("Error",), "str", True), (("Cause",), "any", False)]
            r = self.rng.random()
            if r < 0.4:
                catcher["ResultPath"] = "$.err"
                cschema = [e for e in raw if e[0][:1] != ("err",)] + [
                    (("err",) + s, t, q) for s, t, q in cschema]
            elif r < 0.5:
                catcher["ResultPath"] = None
                cschema = raw
            st["Catch"] = [catcher]
            edges.append((catcher, cschema))
        return st, out, edges


def without_blank_items(v):
    """The value with null and "" array items (see validator-template-arrays) replaced."""
    if isinstance(v, list):
        return [1 if x is None or x == "" else without_blank_items(x) for x in v]
    if isinstance(v, dict):
        return {k: without_blank_items(x) for k, x in v.items()}
    return v


def reroot(schema, segs):
    n = len(segs)
    return [(e[0][n:], e[1], e[2]) for e in schema if e[0][:n] == segs]


def intersect(a, b):
    bd = {e[0]: e for e in b}
    out = []
    for segs, typ, sure in a:
        if segs in bd:
            _, t2, s2 = bd[segs]
            out.append((segs, typ if typ == t2 else "any", sure and s2))
    return out


def literal_schema(v, segs=()):
    typ = {bool: "bool", int: "sint", float: "num", str: "ustr", type(None): "null",
           list: "any", dict: "obj"}[type(v)]
    out = [(segs, typ, True)]
    if isinstance(v, dict):
        for k, x in v.items():
            out += literal_schema(x, segs + (k,))
    return out


def drop_unreachable(start, states):
    """Removes states no transition reaches (AWS rejects them); edges only go forward."""
    def targets(st):
        out = [st.get("Next"), st.get("Default")]
        out += [c.get("Next") for c in st.get("Choices", [])]
        out += [c.get("Next") for c in st.get("Catch", [])]
        return [t for t in out if t]
    seen, pending = set(), [start]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending += targets(states[name])
    for name in list(states):
        if name not in seen:
            del states[name]


def generate(rng, comparable, size):
    """(definition, inputs, tags) of one random machine with its inputs."""
    g = Gen(rng, comparable)
    ctx = {"depth": 0, "nested": False, "map_item": False}
    definition = g.machine(g.top_schema(), ctx, size)
    if rng.random() < 0.1:
        definition["Comment"] = "generated"
    # a Parallel branch that cannot fail writes into its object input: keep the input an object
    nested = '"Parallel"' in json.dumps(definition) or '"Map"' in json.dumps(definition)
    inputs = [g.input_for(TOP_FIELDS, not nested) for _ in range(3)]
    return definition, inputs, g.tags


if __name__ == "__main__":  # print a sample: differential_gen.py [SEED] [unsafe]
    import sys
    r = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    d, ins, tags = generate(r, len(sys.argv) < 3, 6)
    print(json.dumps(d, indent=1, ensure_ascii=False))
    print(json.dumps(ins, ensure_ascii=False))
    print(sorted(tags))
