import Foundation
import ParleyCore
import Testing

@Suite("Conversation lifecycle")
struct ConversationLifecycleTests {
    let time = Date(timeIntervalSince1970: 1_800_000_000)
    let alice = AgentID(1)
    let bob = AgentID(2)

    private func state(_ status: ConversationStatus, assignee: AgentID? = nil) -> ConversationState {
        ConversationState(status: status, assignee: assignee)
    }

    /// Every legal (command, from) pair and the state it must lead to.
    @Test func everyLegalTransition() throws {
        let cases: [(ConversationCommand, ConversationState, ConversationState)] = [
            (.handOver, state(.bot), state(.queued)),
            (.assign(alice), state(.queued), state(.assigned, assignee: alice)),
            (.assign(alice), state(.pending), state(.assigned, assignee: alice)),
            (.assign(bob), state(.assigned, assignee: alice), state(.assigned, assignee: bob)),
            (.release, state(.assigned, assignee: alice), state(.queued)),
            (.park, state(.queued), state(.pending)),
            (.resolve, state(.bot), state(.resolved)),
            (.resolve, state(.queued), state(.resolved)),
            (.resolve, state(.assigned, assignee: alice), state(.resolved, assignee: alice)),
            (.resolve, state(.pending), state(.resolved)),
            (.close(.idle), state(.bot), ConversationState(status: .closed, closeReason: .idle)),
            (.close(.idle), state(.assigned, assignee: alice), ConversationState(status: .closed, assignee: alice, closeReason: .idle)),
            (.close(.abandoned), state(.bot), ConversationState(status: .closed, closeReason: .abandoned)),
            (.close(.abandoned), state(.queued), ConversationState(status: .closed, closeReason: .abandoned)),
            (.close(.abandoned), state(.pending), ConversationState(status: .closed, closeReason: .abandoned)),
            (.reopen, state(.resolved, assignee: alice), state(.queued)),
            (.reopen, ConversationState(status: .closed, closeReason: .idle), state(.queued)),
            (.escalate, state(.assigned, assignee: alice), state(.queued)),
            (.escalate, state(.queued), state(.queued)),
        ]
        for (command, from, expected) in cases {
            let (next, transition) = try ConversationLifecycle.apply(command, to: from, by: .agent(alice), at: time)
            #expect(next == expected, "\(command) from \(from.status)")
            #expect(transition.from == from.status)
            #expect(transition.to == expected.status)
            #expect(transition.actor == .agent(alice))
            #expect(transition.at == time)
            #expect(transition.previousAssignee == from.assignee)
            #expect(transition.assignee == expected.assignee)
        }
    }

    /// Everything not in the legal table is refused with a typed error naming the command.
    @Test func everyIllegalTransitionIsRefused() {
        let commands: [ConversationCommand] = [.handOver, .assign(bob), .release, .park, .resolve, .close(.idle), .close(.abandoned), .reopen, .escalate]
        let legal: Set<String> = [
            "hand_over/bot", "assign/queued", "assign/pending", "assign/assigned", "release/assigned", "park/queued",
            "resolve/bot", "resolve/queued", "resolve/assigned", "resolve/pending", "close.idle/bot", "close.idle/assigned",
            "close.abandoned/bot", "close.abandoned/queued", "close.abandoned/pending", "reopen/resolved", "reopen/closed",
            "escalate/assigned", "escalate/queued",
        ]
        var refused = 0
        for command in commands {
            for status in ConversationStatus.allCases {
                var key = "\(command.name)/\(status.rawValue)"
                if case .close(let reason) = command { key = "close.\(reason.rawValue)/\(status.rawValue)" }
                if legal.contains(key) { continue }
                let from = ConversationState(status: status, assignee: status == .assigned ? alice : nil)
                #expect(throws: LifecycleError.illegalTransition(command: command.name, from: status), "\(key) must be refused") {
                    _ = try ConversationLifecycle.apply(command, to: from, by: .system, at: time)
                }
                refused += 1
            }
        }
        #expect(refused == commands.count * ConversationStatus.allCases.count - legal.count)
    }

    @Test func assigningToTheCurrentAssigneeIsRefused() {
        #expect(throws: LifecycleError.alreadyAssigned(alice)) {
            _ = try ConversationLifecycle.apply(.assign(alice), to: state(.assigned, assignee: alice), by: .agent(alice), at: time)
        }
    }

    @Test func resolvedConversationReopensOnlyWithinTheWindow() {
        let conversation = Conversation(
            id: ConversationID(1), channelID: ChannelID("ch_x"), contactID: ContactID(1), identityID: IdentityID(1),
            externalID: "u", state: state(.resolved), createdAt: time, updatedAt: time
        )
        #expect(conversation.accepts(customerMessageAt: time.addingTimeInterval(60), reopenWindow: 600))
        #expect(!conversation.accepts(customerMessageAt: time.addingTimeInterval(601), reopenWindow: 600))
        var open = conversation
        open.state = state(.assigned, assignee: alice)
        #expect(open.accepts(customerMessageAt: time.addingTimeInterval(86_400 * 30), reopenWindow: 600))
    }
}
