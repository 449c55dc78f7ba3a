#include "container/child_reports.hpp"

#include "ocirun/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirun::container {

void read_child_reports_until_ready(int sync_fd, const ChildReports& reports) {
    for (;;) {
        linux_init::SyncMsg msg{};
        std::string text;
        int received_fd = -1;
        if (!linux_init::recv_msg(sync_fd, msg, text, &received_fd))
            throw Error(reports.sender + " exited before it was ready");
        UniqueFd received(received_fd);  // closed here whatever the message
        switch (msg) {
            case linux_init::SyncMsg::kReady:
                return;
            case linux_init::SyncMsg::kError:
                throw Error(text.empty() ? reports.sender + " failed without a message" : text);
            case linux_init::SyncMsg::kNotifyFd:
                hand_listener_to_agent(reports.sender, reports.seccomp,
                                       reports.agent_state ? reports.agent_state() : SeccompAgentState{},
                                       received.get());
                break;
            default:
                if (!reports.on_report || !reports.on_report(msg, text))
                    throw Error(reports.sender + " sent an unknown sync message " +
                                std::to_string(static_cast<unsigned>(msg)));
        }
    }
}

}  // namespace ocirun::container
