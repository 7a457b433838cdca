import ParleyCore
import Testing

/// How a canned response's variables are read and filled in.
@Suite("Canned templates")
struct CannedTemplateTests {
    @Test func valuesFallbacksAndMissingVariables() throws {
        let template = try CannedTemplate("Hi {{ contact.name | there }}, I'm {{agent.name}}. {{contact.name}}}} ref {{conversation.id|-}}")
        #expect(template.variables == [.contactName, .agentName, .conversationID])
        let filled = template.render([.contactName: "Ana", .agentName: "Ben", .conversationID: "42"])
        #expect(filled.text == "Hi Ana, I'm Ben. Ana}} ref 42" && filled.missing.isEmpty)
        let bare = template.render([.agentName: "Ben", .contactName: ""])
        #expect(bare.text == "Hi there, I'm Ben. }} ref -", "an empty value counts as none")
        #expect(bare.missing == [.contactName, .conversationID])
    }

    @Test func plainTextAndEdgesStayAsWritten() throws {
        #expect(try CannedTemplate("No variables here. {single} braces").render([:]).text == "No variables here. {single} braces")
        #expect(try CannedTemplate("{{channel.name}}").render([.channelName: "Website"]).text == "Website")
        #expect(try CannedTemplate("a|b {{contact.email|x|y}}").render([:]).text == "a|b x|y", "the first | separates the fallback")
        #expect(try CannedTemplate("").pieces.isEmpty)
    }

    @Test func unknownAndUnclosedVariablesAreRefused() {
        #expect(throws: CannedTemplate.Problem.self) { try CannedTemplate("{{}}") }
        do {
            _ = try CannedTemplate("Hi {{Contact.Name}}")
            Issue.record("names are case-sensitive, as documented")
        } catch {
            #expect(error.description == "unknown variable {{Contact.Name}}; use contact.name, contact.email, agent.name, conversation.id, channel.name")
        }
        do {
            _ = try CannedTemplate("Héllo {{contact.name}} and {{agent.name")
            Issue.record("an unclosed variable was accepted")
        } catch {
            #expect(error.description == "the '{{' at character 28 is never closed with '}}'")
        }
    }
}
