// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink: link events (carrier changes) for the heartbeat, and adding, renewing and finding
 * addresses for the address leases. */
#define _GNU_SOURCE
#include "pacer_sys.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include <arpa/inet.h>
#include <net/if.h>

int pacer_link_events_socket(void) {
    struct sockaddr_nl address;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0) return -1;
    memset(&address, 0, sizeof address);
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int pacer_drain(int fd) {
    char buffer[8192];
    int count = 0;
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) { count++; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ENOBUFS) { count++; continue; }   /* overflowed: something changed */
        return count;
    }
}

static void pacer_add_attribute(struct nlmsghdr *message, unsigned short type, const void *data, size_t length) {
    struct rtattr *attribute = (struct rtattr *)((char *)message + NLMSG_ALIGN(message->nlmsg_len));
    attribute->rta_type = type;
    attribute->rta_len = (unsigned short)RTA_LENGTH(length);
    memcpy(RTA_DATA(attribute), data, length);
    message->nlmsg_len = NLMSG_ALIGN(message->nlmsg_len) + RTA_ALIGN(attribute->rta_len);
}

int pacer_renew_address(int netlink_fd, int family, const char *address, int prefix_length, const char *interface,
                        unsigned int lifetime) {
    struct {
        struct nlmsghdr header;
        struct ifaddrmsg body;
        char attributes[128];
    } request;
    struct ifa_cacheinfo lifetimes;
    unsigned char bytes[16];
    char reply[1024];
    unsigned int index;
    size_t length = family == AF_INET6 ? 16 : 4;
    ssize_t n;
    static unsigned int sequence;

    if (inet_pton(family, address, bytes) != 1) return EINVAL;
    index = if_nametoindex(interface);
    if (index == 0) return errno;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.body);
    request.header.nlmsg_type = RTM_NEWADDR;
    /* Replace only: the lifetimes of an existing address change (ip addr change). */
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE | NLM_F_ACK;
    request.header.nlmsg_seq = ++sequence;
    request.body.ifa_family = (unsigned char)family;
    request.body.ifa_prefixlen = (unsigned char)prefix_length;
    request.body.ifa_index = index;
    pacer_add_attribute(&request.header, IFA_LOCAL, bytes, length);
    pacer_add_attribute(&request.header, IFA_ADDRESS, bytes, length);
    memset(&lifetimes, 0, sizeof lifetimes);
    lifetimes.ifa_prefered = lifetime;
    lifetimes.ifa_valid = lifetime;
    pacer_add_attribute(&request.header, IFA_CACHEINFO, &lifetimes, sizeof lifetimes);
    if (send(netlink_fd, &request, request.header.nlmsg_len, 0) < 0) return errno;
    for (;;) {
        struct nlmsghdr *answer;
        n = recv(netlink_fd, reply, sizeof reply, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        for (answer = (struct nlmsghdr *)reply; NLMSG_OK(answer, (unsigned int)n); answer = NLMSG_NEXT(answer, n)) {
            if (answer->nlmsg_seq != sequence) continue;
            if (answer->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *error = (struct nlmsgerr *)NLMSG_DATA(answer);
                return -error->error;
            }
        }
    }
}

int pacer_netlink_route_socket(void) {
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/* Dumps the family's addresses and looks for `address` (on interface `index`, or any when 0);
 * when found, fills the interface name and prefix length if asked. 1 found, 0 not, -errno. */
static int address_lookup(int netlink_fd, int family, const char *address, unsigned int index, char *interface_out,
                          int *prefix_out) {
    struct {
        struct nlmsghdr header;
        struct ifaddrmsg body;
    } request;
    unsigned char bytes[16];
    char reply[16384];
    size_t length = family == AF_INET6 ? 16 : 4;
    static unsigned int sequence = 0x40000000;
    int found = 0;

    if (inet_pton(family, address, bytes) != 1) return -EINVAL;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.body);
    request.header.nlmsg_type = RTM_GETADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++sequence;
    request.body.ifa_family = (unsigned char)family;
    request.body.ifa_index = index;   /* honoured as a filter where strict checking is on */
    if (send(netlink_fd, &request, request.header.nlmsg_len, 0) < 0) return -errno;
    for (;;) {
        struct nlmsghdr *answer;
        ssize_t n = recv(netlink_fd, reply, sizeof reply, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -errno;
        for (answer = (struct nlmsghdr *)reply; NLMSG_OK(answer, (unsigned int)n); answer = NLMSG_NEXT(answer, n)) {
            struct ifaddrmsg *entry;
            struct rtattr *attribute;
            int attributes_length;
            if (answer->nlmsg_seq != sequence) continue;
            if (answer->nlmsg_type == NLMSG_DONE) return found;
            if (answer->nlmsg_type == NLMSG_ERROR) return -((struct nlmsgerr *)NLMSG_DATA(answer))->error;
            if (answer->nlmsg_type != RTM_NEWADDR) continue;
            entry = (struct ifaddrmsg *)NLMSG_DATA(answer);
            if ((index != 0 && entry->ifa_index != index) || entry->ifa_family != family || found) continue;
            attributes_length = (int)IFA_PAYLOAD(answer);
            for (attribute = IFA_RTA(entry); RTA_OK(attribute, attributes_length); attribute = RTA_NEXT(attribute, attributes_length)) {
                if ((attribute->rta_type == IFA_LOCAL || (family == AF_INET6 && attribute->rta_type == IFA_ADDRESS))
                    && RTA_PAYLOAD(attribute) == length && memcmp(RTA_DATA(attribute), bytes, length) == 0) {
                    found = 1;
                    if (prefix_out) *prefix_out = entry->ifa_prefixlen;
                    if (interface_out && if_indextoname(entry->ifa_index, interface_out) == NULL) interface_out[0] = 0;
                }
            }
        }
    }
}

int pacer_address_present(int netlink_fd, int family, const char *address, const char *interface) {
    unsigned int index = if_nametoindex(interface);
    if (index == 0) return 0;
    return address_lookup(netlink_fd, family, address, index, NULL, NULL);
}

int pacer_find_address(int netlink_fd, int family, const char *address, char *interface, int *prefix) {
    return address_lookup(netlink_fd, family, address, 0, interface, prefix);
}
