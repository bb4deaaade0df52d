import BibModel
import BibSchemas
import Foundation
import Testing

@testable import CSLJSONFormat

/// The schemas the tests validate against.
enum SchemaFiles {
    /// bibkit's own schema, as embedded in the binary.
    static let ours: [UInt8] = BibSchemas.cslJSON
    /// The official CSL-JSON 1.0.2 schema, when `../shared` is present.
    static let official: [UInt8]? = try? Support.bytes(Support.officialSchema)

    /// The golden files written by the writer tests.
    static let goldens = ["samples.pretty.json", "samples.compact.json", "profile.pretty.json", "plain.pretty.json"]
}

@Suite struct OwnSchemaTests {
    @Test func loadsWithOnlySupportedKeywords() throws {
        _ = try JSONSchema(bytes: SchemaFiles.ours)
        if let official = SchemaFiles.official { _ = try JSONSchema(bytes: official) }
    }

    @Test func rejectsSchemasUsingUnimplementedKeywords() {
        let diagnostics = CSLJSONValidation.validate(Array("[]".utf8), against: Array(#"{"type": "array", "items": {"pattern": "x"}}"#.utf8))
        #expect(diagnostics.all.map(\.code) == ["csl.bad-schema"])
        #expect(diagnostics.all.first?.message.contains("`pattern`") == true)
    }

    @Test func hasTheOfficialVariableSet() throws {
        let ours = try #require(try Support.json(SchemaFiles.ours) as? [String: Any])
        let item = (ours["definitions"] as? [String: Any])?["item"] as? [String: Any]
        let ourVariables = Set(((item?["properties"] as? [String: Any]) ?? [:]).keys)
        #expect(ourVariables == Set(CSLVariables.kinds.keys))
        guard let officialBytes = SchemaFiles.official else { return }
        let official = try #require(try Support.json(officialBytes) as? [String: Any])
        let officialVariables = Set((((official["items"] as? [String: Any])?["properties"] as? [String: Any]) ?? [:]).keys)
        #expect(ourVariables == officialVariables)
        #expect(Set(CSLVariables.kinds.keys) == officialVariables)
    }

    @Test func describesEveryCustomKeyTheWriterUses() throws {
        let ours = try #require(try Support.json(SchemaFiles.ours) as? [String: Any])
        let custom = (ours["definitions"] as? [String: Any])?["custom"] as? [String: Any]
        #expect(Set(((custom?["properties"] as? [String: Any]) ?? [:]).keys) == Set(CSLCustomKey.all))
    }

    @Test(arguments: SchemaFiles.goldens)
    func goldensAreValidAgainstBothSchemas(name: String) throws {
        let url = Support.snapshots.appendingPathComponent(name)
        try #require(Support.exists(url), "golden \(name) missing: run the writer tests first")
        let bytes = try Support.bytes(url)
        let ours = CSLJSONValidation.validate(bytes, against: SchemaFiles.ours, source: name)
        #expect(ours.all.isEmpty, "\(ours.all.map { "\($0.location?.description ?? ""): \($0.message)" })")
        if let official = SchemaFiles.official {
            let d = CSLJSONValidation.validate(bytes, against: official, source: name)
            #expect(d.all.isEmpty, "\(d.all.map(\.message))")
        }
    }

    @Test func reportsViolationsWithPathAndLine() throws {
        let document = """
            [
              {"id": "a", "type": "book"},
              {"id": "", "type": "novel",
               "author": [{"given": "Plato"}],
               "issued": {"date-parts": [[2020, 13]]},
               "journal": "J", "custom": {"truncated": "author"}}
            ]
            """
        let d = CSLJSONValidation.validate(Array(document.utf8), against: SchemaFiles.ours, source: "doc.json")
        let byField = Dictionary(grouping: d.all, by: { $0.field ?? "" })
        #expect(byField["[1].id"]?.first?.location?.line == 3)
        #expect(byField["[1].id"]?.first?.message.contains("must not be empty") == true)
        #expect(byField["[1].type"]?.first?.message.contains("“novel” is not one of the allowed values") == true)
        #expect(byField["[1].author[0]"]?.first?.location?.line == 4)
        #expect(byField["[1].author[0]"]?.first?.location?.column == 15)
        #expect(byField["[1].issued.date-parts[0][1]"]?.first?.message.contains("greater than 12") == true)
        #expect(byField["[1].journal"]?.first?.message.contains("not allowed") == true)
        #expect(byField["[1].journal"]?.first?.location?.column == 4)
        #expect(byField["[1].custom.truncated"]?.first?.message.contains("expected array") == true)
        #expect(d.all.allSatisfy { $0.code == "csl.schema" && $0.severity == .error })
        #expect(byField["[1].id"]?.first?.entryKey == "")

        let syntax = CSLJSONValidation.validate(Array("[{]".utf8), against: SchemaFiles.ours)
        #expect(syntax.all.map(\.code) == ["csl.syntax"])
    }

    @Test func everyWriterOutputValidates() {
        let outputs = [
            Support.write(Library(entries: Samples.all + Samples.everyType)).0,
            Support.write(ProfileLike.library, pretty: false).0,
        ]
        for bytes in outputs {
            #expect(CSLJSONValidation.validate(bytes, against: SchemaFiles.ours).all.isEmpty)
            if let official = SchemaFiles.official {
                #expect(CSLJSONValidation.validate(bytes, against: official).all.isEmpty)
            }
        }
    }
}

/// The independent judges: Python's `jsonschema` and the CSL-JSON oracle (official schema,
/// semantic checks, lint, rendering in pandoc and citeproc-py).
@Suite(.enabled(if: Support.oracleAvailable, "python3 with jsonschema and ../shared/oracles are needed"))
struct OracleTests {
    /// Our schema is a valid draft-07 schema for Python's reference validator, and every
    /// golden is valid against it there too.
    @Test func pythonJSONSchemaAgreesWithOurValidator() throws {
        let schema = Support.root.appendingPathComponent("Schemas/csl-data.bibkit.json").path
        for name in SchemaFiles.goldens {
            let golden = Support.snapshots.appendingPathComponent(name).path
            let script = """
                import json, sys, jsonschema
                s = json.load(open(sys.argv[1])); jsonschema.Draft7Validator.check_schema(s)
                errors = list(jsonschema.Draft7Validator(s).iter_errors(json.load(open(sys.argv[2]))))
                print("\\n".join(e.message for e in errors)); sys.exit(1 if errors else 0)
                """
            let result = Support.run(["python3", "-c", script, schema, golden])
            #expect(result.status == 0, "\(name): \(result.output)")
        }
    }

    @Test func plainGoldenPassesEveryCheck() throws {
        let result = Support.run(["python3", Support.oracles.appendingPathComponent("csljson_valid.py").path, "-q",
            Support.snapshots.appendingPathComponent("plain.pretty.json").path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func profileGoldenPassesEveryCheck() throws {
        let result = Support.run(["python3", Support.oracles.appendingPathComponent("csljson_valid.py").path, "-q",
            Support.snapshots.appendingPathComponent("profile.pretty.json").path])
        #expect(result.status == 0, "\(result.output)")
    }

    /// The rich samples carry markup, math and a literal backslash on purpose. citeproc-py's
    /// plain output keeps `<i>` tags, which the oracle's title check does not strip (it fails
    /// pandoc's own output the same way), and the lint flags the abstract's `back\slashes`
    /// (their math is typeset, with no TeX left): so pandoc renders them, without lint.
    @Test(arguments: ["samples.pretty.json", "samples.compact.json"])
    func richGoldensValidateAndRenderInPandoc(name: String) throws {
        let result = Support.run(["python3", Support.oracles.appendingPathComponent("csljson_valid.py").path, "-q",
            "--renderer", "pandoc", "--no-lint", Support.snapshots.appendingPathComponent(name).path])
        #expect(result.status == 0, "\(result.output)")
    }
}
